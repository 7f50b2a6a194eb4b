import Glibc
import HearthHTTP
import HearthTesting
import Testing

@Suite struct IPv6Tests {
    @Test func serverOnIPv6LoopbackServesOverIPv6() async throws {
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: TextResponder(), host: "::1", accessLog: log)
        let response = try await rawRequest("GET /six HTTP/1.1\r\nHost: [::1]\r\n\r\n", port: server.port, host: "::1")
        #expect(response.status == 200)
        #expect(response.header("x-target") == "/six")
        try await server.stop()
        // The client address is logged as IPv6, not mapped to IPv4.
        #expect(log.entries.first?.hasPrefix("::1 ") == true)
    }

    @Test func serverOnIPv6LoopbackIsNotReachedOverIPv4() async throws {
        let (server, holder) = try await Self.serverWithItsIPv4PortHeld()
        defer { close(holder) }
        #expect(throws: RawClientError.self) { _ = try RawConnection(host: "127.0.0.1", port: server.port) }
        try await server.stop()
    }

    /// A server on ::1 whose port number this test holds on 127.0.0.1 with
    /// a socket that does not listen: IPv4 and IPv6 ports are separate, so
    /// another test's IPv4 server could otherwise have the same number and
    /// answer instead.
    private static func serverWithItsIPv4PortHeld() async throws -> (LiveServer, Int32) {
        for _ in 0..<20 {
            let server = try await LiveServer.start(responder: TextResponder(), host: "::1")
            if let holder = bindIPv4Loopback(port: server.port) { return (server, holder) }
            try await server.stop()
        }
        throw RawClientError.connect("127.0.0.1 (every port tried is in use on IPv4 too)", 0)
    }

    private static func bindIPv4Loopback(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound == 0 { return fd }
        close(fd)
        return nil
    }
}
