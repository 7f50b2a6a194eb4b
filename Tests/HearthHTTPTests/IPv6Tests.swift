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
        let server = try await LiveServer.start(responder: TextResponder(), host: "::1")
        #expect(throws: RawClientError.self) { _ = try RawConnection(host: "127.0.0.1", port: server.port) }
        try await server.stop()
    }
}
