import HearthCGI
import HearthHTTP
import HearthTesting
import HearthWeb
import Logging
import Testing

/// SECURITY.md, body-size limits: the limit's status survives every path
/// into a handler. Hearth 6434200 answered a chunked body over a hot mount's
/// limit with 500 (`handler failed: 413 …`); with Content-Length it was
/// already 413.
@Suite struct TransportErrorTests {
    /// Reads the whole body, as a form or upload handler does.
    struct Reader: HearthHandler {
        func handle(_ request: HearthRequest) async throws -> HearthResponse {
            let body = try await request.body.collect(upTo: 1 << 30)
            return .text("read \(body.readableBytes)\n")
        }
    }

    static func start(log: LogCapture) async throws -> LiveServer {
        let responder = HandlerResponder(
            handler: Reader(), mountedAt: "/hot", server: CGIServer(software: "test", documentRoot: "/"), maxBodyBytes: 1000, logger: log.logger()
        )
        return try await LiveServer.start(responder: responder, logger: log.logger())
    }

    @Test(arguments: [
        ("chunked", "Transfer-Encoding: chunked\r\n\r\n" + String(repeating: "100\r\n" + String(repeating: "x", count: 256) + "\r\n", count: 8) + "0\r\n\r\n"),
        ("length", "Content-Length: 2048\r\n\r\n" + String(repeating: "x", count: 2048)),
    ])
    func aBodyOverTheLimitIs413HoweverItIsFramed(_ framing: String, _ rest: String) async throws {
        let log = LogCapture()
        let server = try await Self.start(log: log)
        let response = try await rawRequest("POST /hot HTTP/1.1\r\nHost: x\r\n" + rest, port: server.port)
        try await server.stop()
        #expect(response.status == 413, "\(framing): \(response.statusLine)")
        #expect(!log.records.contains { $0.level >= .error }, "a client's error is not logged as the server's")
    }

    @Test func aBodyWithinTheLimitIsRead() async throws {
        let server = try await Self.start(log: LogCapture())
        let response = try await rawRequest("POST /hot HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n", port: server.port)
        try await server.stop()
        #expect(response.status == 200 && response.text == "read 3\n")
    }

    /// A handler's 404 or 405 is the client's error: logged at info with a
    /// sentence, not at error as an enum dump (`error=notFound`).
    @Test func aHandlersClientErrorIsLoggedAsASentenceAtInfo() async throws {
        let log = LogCapture()
        let refusing = HandlerFunction { request in
            if request.target == "/x/405" { throw HearthError.methodNotAllowed(allowed: [.get]) }
            throw HearthError.notFound
        }
        let responder = HandlerResponder(handler: refusing, mountedAt: "/x", server: CGIServer(software: "test", documentRoot: "/"), logger: log.logger())
        let server = try await LiveServer.start(responder: responder, logger: log.logger())
        let missing = try await rawRequest("GET /x/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: server.port)
        let method = try await rawRequest("GET /x/405 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: server.port)
        try await server.stop()
        #expect(missing.status == 404 && method.status == 405)
        let lines = log.records.filter { $0.message.hasPrefix("handler refused the request") }
        #expect(lines.map(\.message) == [
            "handler refused the request: the handler has nothing at this path",
            "handler refused the request: method not allowed here (allowed: GET)",
        ])
        #expect(lines.allSatisfy { $0.level == .info })
        #expect(!log.records.contains { $0.level >= .error })
    }
}
