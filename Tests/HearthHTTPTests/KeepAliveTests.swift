import HearthHTTP
import HearthTesting
import Testing

@Suite struct KeepAliveTests {
    @Test func twoRequestsShareOneConnection() async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let connection = try RawConnection(port: server.port)
        try await connection.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try await connection.readResponse()
        try await connection.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        let second = try await connection.readResponse()
        #expect(first.header("x-target") == "/a")
        #expect(second.header("x-target") == "/b")
        #expect(second.text == "hello\n")
        try await server.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let connection = try RawConnection(port: server.port)
        try await connection.send((1...5).map { "GET /\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
        for index in 1...5 {
            #expect(try await connection.readResponse().header("x-target") == "/\(index)")
        }
        try await server.stop()
    }

    /// `nc -N`, `curl --upload-file - <` and many scripts shut their
    /// sending side once the request is out and then read: the FIN ends
    /// the client's input, not its interest in the answer (RFC 9112 §9.6).
    @Test func aClientThatHalfClosesAfterItsRequestStillGetsTheResponse() async throws {
        let server = try await LiveServer.start(responder: EchoResponder())
        let connection = try RawConnection(port: server.port)
        try await connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping")
        connection.shutdownWrite()
        let response = try await connection.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "ping")
        #expect(await connection.waitForPeerClose(), "then the server closes its side too")
        try await expectServesNewConnection(server)
        try await server.stop()
    }

    @Test func http10ClosesUnlessAskedToKeepAlive() async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let connection = try RawConnection(port: server.port)
        try await connection.send("GET / HTTP/1.0\r\n\r\n")
        let response = try await connection.readResponse()
        #expect(response.header("connection") == "close")
        #expect(await connection.isClosedByPeer())
        try await server.stop()
    }

    @Test func chunkedResponseWhenNoLengthIsKnown() async throws {
        let server = try await LiveServer.start(responder: TextResponder(text: "streamed", chunked: true))
        let response = try await rawRequest("GET / HTTP/1.1\r\nHost: x\r\n\r\n", port: server.port)
        #expect(response.header("transfer-encoding") == "chunked")
        #expect(response.text == "streamed")
        try await server.stop()
    }

    @Test func headSendsHeadersButNoBody() async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let connection = try RawConnection(port: server.port)
        try await connection.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try await connection.readResponse(head: true)
        #expect(head.header("content-length") == "6")
        // The next response starts right after the head: no body bytes came.
        #expect(try await connection.readResponse().header("x-target") == "/after")
        try await server.stop()
    }
}
