#if canImport(Glibc)
import Glibc
#endif
import HearthTesting
import Testing

/// The options of the server's own end of a live connection, read with
/// getsockopt on the accepted socket (the test runs in the server's
/// process, so its descriptor is found by its addresses).
@Suite struct SocketOptionsTests {
    @Test func acceptedSocketsSendSmallWritesAtOnceAndBoundTheirUnsentQueue() async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let connection = try RawConnection(port: server.port)
        try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await connection.readResponse()
        let accepted = try #require(ServerSide.descriptor(serverPort: server.port, clientPort: ServerSide.localPort(of: connection.fd)))
        #expect(ServerSide.option(accepted, Int32(IPPROTO_TCP), TCP_NODELAY) == 1)
        // 16 KiB: a large body is handed to the kernel as it drains, so the
        // client's ACKs do not end up transmitting it (docs/performance.md).
        #expect(ServerSide.option(accepted, Int32(IPPROTO_TCP), TCP_NOTSENT_LOWAT) == Int32(16 * 1024))
        // Once set by mistake for TCP_NODELAY: SOL_SOCKET's option 1.
        #expect(ServerSide.option(accepted, SOL_SOCKET, SO_DEBUG) == 0)
        try await server.stop()
    }
}

private enum ServerSide {
    static func localPort(of fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func peerPort(of fd: Int32) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) } }
        guard result == 0, address.sin_family == sa_family_t(AF_INET) else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The descriptor whose local port is the server's and whose peer is the client.
    static func descriptor(serverPort: Int, clientPort: Int) -> Int32? {
        (0..<Int32(4096)).first { fd in
            peerPort(of: fd) == clientPort && localPort(of: fd) == serverPort
        }
    }

    static func option(_ fd: Int32, _ level: Int32, _ name: Int32) -> Int32? {
        var value: Int32 = -1
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, level, name, &value, &length) == 0 else { return nil }
        return value
    }
}
