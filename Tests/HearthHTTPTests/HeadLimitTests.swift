import HearthHTTP
import HearthTesting
import Testing

/// Oversized and malformed request heads get 431 or 400, the connection
/// closes (its framing can no longer be trusted), and the server goes on
/// serving other connections.
@Suite struct HeadLimitTests {
    private func expectRefusal(_ request: String, status: Int, configure: (inout HTTPServerConfiguration) -> Void = { _ in }) async throws {
        let server = try await LiveServer.start(responder: TextResponder(), configure: configure)
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send(request)
        let response = try await connection.readResponse()
        #expect(response.status == status)
        #expect(response.header("connection") == "close")
        #expect(await connection.isClosedByPeer())
        try await expectServesNewConnection(server)
        try await server.stop()
    }

    @Test func moreFieldsThanMaxHeaderCountIs431() async throws {
        let fields = (1...101).map { "X-Field-\($0): v\r\n" }.joined()
        try await expectRefusal("GET / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n", status: 431)
    }

    @Test func maxHeaderCountFieldsAreAccepted() async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let fields = (1...99).map { "X-Field-\($0): v\r\n" }.joined()
        let response = try await rawRequest("GET / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n", port: server.port)
        #expect(response.status == 200)
        try await server.stop()
    }

    @Test func headOverMaxHeaderBytesIs431() async throws {
        // 70 KB: over Hearth's default 64 KiB, under NIO's own 80 KiB limit,
        // so Hearth's check is what answers.
        let big = String(repeating: "a", count: 70_000)
        try await expectRefusal("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n", status: 431)
    }

    @Test func configuredMaxHeaderBytesIsEnforced() async throws {
        let big = String(repeating: "a", count: 2_000)
        try await expectRefusal("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n", status: 431) { $0.maxHeaderBytes = 1_024 }
    }

    @Test func fieldOverTheDecodersOwnLimitIs431() async throws {
        // NIO's decoder stops at 80 KiB per field (headerOverflow) before
        // Hearth sees the head; that too is 431, not a generic 400.
        let huge = String(repeating: "a", count: 85_000)
        try await expectRefusal("GET / HTTP/1.1\r\nHost: x\r\nX-Huge: \(huge)\r\n\r\n", status: 431)
    }

    @Test(arguments: [
        "GARBAGE\r\n\r\n",
        "GET /\r\nHost: x\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\n\n",
    ])
    func malformedRequestLineIs400(request: String) async throws {
        try await expectRefusal(request, status: 400)
    }

    @Test func targetThatIsNotAnAbsolutePathIs400() async throws {
        try await expectRefusal("GET x/y HTTP/1.1\r\nHost: x\r\n\r\n", status: 400)
    }
}
