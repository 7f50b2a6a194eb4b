import HearthHTTP
import HearthTesting
import HearthWeb
import Testing

/// Issue 25, item 6: one error vocabulary for the HTTP layer and the
/// handler API (`HTTPFailure`). A `HearthError` thrown by a responder that
/// is not a handler (a session lock held too long in a page, a guard in
/// front of a mount) reaches the connection and is answered with its own
/// status and fields, as `ErrorMapping` answers it for a handler, and the
/// transport's `HTTPError` reads the same through `ErrorMapping`.
@Suite struct HTTPFailureTests {
    struct Throwing: Responder {
        let error: any Error
        func respond(to request: Request, writer: consuming ResponseWriter) async throws { throw error }
    }

    static func answer(to error: any Error) async throws -> RawResponse {
        let capture = LogCapture()
        let server = try await LiveServer.start(responder: Throwing(error: error), logger: capture.logger())
        let response: RawResponse
        do {
            response = try await rawRequest("GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: server.port)
        } catch {
            try await server.stop()
            throw error
        }
        let logged = await Processes.eventually { capture.records.contains { $0.message.contains("\(error)") } }
        try await server.stop()
        #expect(logged, "the log line names the error")
        return response
    }

    @Test func aHearthErrorAtTheConnectionKeepsItsStatusAndFields() async throws {
        let busy = try await Self.answer(to: HearthError.unavailable(retryAfter: 7, "session 42 held by another request"))
        #expect(busy.status == 503 && busy.header("retry-after") == "7")
        #expect(!busy.text.contains("session 42"), "the reason is for the log")
        let login = try await Self.answer(to: HearthError.unauthorized(realm: #"Staff "A""#))
        #expect(login.status == 401 && login.header("www-authenticate") == #"Basic realm="Staff \"A\"", charset="UTF-8""#)
        let method = try await Self.answer(to: HearthError.methodNotAllowed(allowed: [.get, .head]))
        #expect(method.status == 405 && method.header("allow") == "GET, HEAD")
    }

    @Test func theTransportsRefusalReadsTheSameThroughErrorMapping() {
        let (response, log) = ErrorMapping.response(for: HTTPError(.payloadTooLarge, "body over 1 MiB", headers: [("Connection", "close")]))
        #expect(response.status.code == 413 && response.headerFields[.connection] == "close" && log == "body over 1 MiB")
        let (field, _) = ErrorMapping.response(for: HearthError.invalidField(name: "age", problem: "not a number"))
        #expect(field.status.code == 400)
    }
}
