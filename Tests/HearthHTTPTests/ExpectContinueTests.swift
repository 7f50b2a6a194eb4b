import HearthHTTP
import HearthTesting
import NIOCore
import NIOHTTP1
import Testing

/// `Expect: 100-continue` (RFC 9110 §10.1.1): the client holds its body
/// back until the server asks for it, so only a responder that reads the
/// body makes the server send `100 Continue`, and never after the final
/// response has started.
@Suite struct ExpectContinueTests {
    static let expectingHead = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"

    @Test func readingTheBodySends100ContinueBeforeTheFinalResponse() async throws {
        let server = try await LiveServer.start(responder: EchoResponder())
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send(Self.expectingHead)
        // The body is not sent until the 100 arrives: reading it proves the
        // server asked without having the body.
        let interim = try await connection.readResponse()
        #expect(interim.statusLine == "HTTP/1.1 100 Continue")
        try await connection.send("hello")
        let final = try await connection.readResponse()
        #expect(final.status == 200)
        #expect(final.text == "hello")
        // The body was read to its end: the connection stays usable.
        try await connection.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        #expect(try await connection.readResponse().status == 200)
        try await server.stop()
    }

    @Test func responderThatIgnoresTheBodyAnswersWithout100AndCloses() async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send(Self.expectingHead)
        let response = try await connection.readResponse()
        #expect(response.status == 200, "the final response comes at once, no 100 first")
        // The body was never asked for and may never come, so it cannot be
        // skipped: the server says it closes (RFC 9110 §10.1.1) and does,
        // and a body sent now is never parsed as a request.
        #expect(response.header("connection") == "close")
        try? await connection.send("GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
        let rest = await textUntilClose(connection)
        #expect(statusLineCount(rest) == 0, "a second response followed: \(rest)")
        try await server.stop()
    }

    @Test func bodySentWithoutWaitingIsRead() async throws {
        // A client MAY send the body without waiting (RFC 9110 §10.1.1).
        let server = try await LiveServer.start(responder: EchoResponder())
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send(Self.expectingHead + "hello")
        var response = try await connection.readResponse()
        if response.status == 100 { response = try await connection.readResponse() }
        #expect(response.status == 200)
        #expect(response.text == "hello")
        try await server.stop()
    }

    @Test func no100ContinueInsideAResponseAlreadyStarted() async throws {
        // A responder that streams part of its answer before reading the
        // body (as a CGI script that prints first does): a 100 sent then
        // would land inside the final response's body.
        let server = try await LiveServer.start(responder: AnswerFirstEchoResponder())
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send(Self.expectingHead + "hello")
        let response = try await connection.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "first\nhello")
        try await server.stop()
    }
}

/// Sends the head and a first body chunk, then echoes the request body.
struct AnswerFirstEchoResponder: Responder {
    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        let body = try await writer.writeHead(status: .ok, headers: HTTPHeaders([("Content-Type", "text/plain")]))
        try await body.write(ByteBuffer(string: "first\n"))
        for try await chunk in request.body { try await body.write(chunk) }
        try await body.finish()
    }
}

@Suite struct ExpectWithoutBodyTests {
    @Test func expectOnABodylessRequestKeepsTheConnection() async throws {
        // RFC 9110 §10.1.1: no 100 is needed when the framing says there is
        // no content, and nothing is left unread.
        let server = try await LiveServer.start(responder: TextResponder())
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send("GET /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try await connection.readResponse()
        #expect(first.status == 200)
        #expect(first.header("connection") == nil)
        #expect(try await connection.readResponse().header("x-target") == "/b")
        try await server.stop()
    }
}
