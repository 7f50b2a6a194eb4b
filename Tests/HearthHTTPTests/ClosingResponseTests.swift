import HearthHTTP
import HearthTesting
import Testing

/// A response after which the connection closes reaches the client whole,
/// however slowly the client reads: closing must wait for the bytes still
/// queued for the socket, not drop them (swift-nio #2795).
@Suite struct ClosingResponseTests {
    static let big = String(repeating: "0123456789abcdef", count: 512 * 1024)  // 8 MiB

    @Test func closingResponseReachesASlowReaderWhole() async throws {
        let server = try await LiveServer.start(responder: TextResponder(text: Self.big))
        let connection = try RawConnection(port: server.port, timeoutSeconds: 30)
        try await connection.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        // A slow client: the response backs up into the server's queue
        // before the client reads any of it.
        try await Task.sleep(for: .milliseconds(500))
        let response = try await connection.readResponse()
        #expect(response.header("connection") == "close")
        #expect(response.body.count == Self.big.utf8.count)
        try await server.stop()
    }

    @Test func http10ResponseDelimitedByCloseReachesASlowReaderWhole() async throws {
        // HTTP/1.0 without a length: the close is the only end marker, so a
        // dropped tail could not even be noticed by the client.
        let server = try await LiveServer.start(responder: TextResponder(text: Self.big, chunked: true))
        let connection = try RawConnection(port: server.port, timeoutSeconds: 30)
        try await connection.send("GET / HTTP/1.0\r\n\r\n")
        try await Task.sleep(for: .milliseconds(500))
        let response = try await connection.readResponse()
        #expect(response.header("content-length") == nil)
        #expect(response.body.count == Self.big.utf8.count)
        try await server.stop()
    }
}
