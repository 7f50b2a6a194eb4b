import HearthHTTP
import HearthTesting
import NIOCore
import NIOHTTP1
import Testing

/// Failures become responses in one place: an `HTTPError` its status, any
/// other error a 500 that says nothing about its cause, and a failure after
/// the head went out a cut connection (the body cannot be finished).
@Suite struct ErrorMappingTests {
    @Test func httpErrorBecomesItsStatusPage() async throws {
        let server = try await LiveServer.start(responder: ThrowingResponder(error: HTTPError(.forbidden, "rule 7 of /etc/secret.conf")))
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send("GET /private HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try await connection.readResponse()
        #expect(response.status == 403)
        #expect(response.header("content-type") == "text/html; charset=utf-8")
        #expect(response.text.contains("403 Forbidden"))
        #expect(!response.text.contains("secret"), "the message is for the log only")
        // A refusal of a body-less request leaves the connection usable.
        try await connection.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await connection.readResponse().status == 403)
        try await server.stop()
    }

    @Test func otherErrorIs500WithoutItsMessage() async throws {
        let server = try await LiveServer.start(responder: ThrowingResponder(error: InternalFailure()))
        let response = try await rawRequest("GET / HTTP/1.1\r\nHost: x\r\n\r\n", port: server.port)
        #expect(response.status == 500)
        #expect(response.text.contains("500 Internal Server Error"))
        #expect(!response.text.contains("hunter2"))
        #expect(!response.text.contains("/srv/secret"))
        #expect(!response.text.contains("InternalFailure"))
        try await server.stop()
    }

    @Test func failureAfterTheHeadCutsTheConnection() async throws {
        let server = try await LiveServer.start(responder: FailMidBodyResponder(chunked: false))
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let raw = await textUntilClose(connection)
        let parts = raw.components(separatedBy: "\r\n\r\n")
        #expect(parts.first?.hasPrefix("HTTP/1.1 200 OK") == true)
        #expect(parts.first?.contains("Content-Length: 100") == true)
        // The connection closed with 10 of the 100 promised bytes: the
        // client sees a cut body, not a complete one nor a second response.
        #expect(parts.dropFirst().joined(separator: "\r\n\r\n") == "0123456789")
        // Only that connection was cut: a new one is answered (and cut) too.
        let again = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await again.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await again.readResponse(head: true).status == 200)
        try await server.stop()
    }

    @Test func failureInAChunkedBodyLeavesItUnterminated() async throws {
        let server = try await LiveServer.start(responder: FailMidBodyResponder(chunked: true))
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let raw = await textUntilClose(connection)
        #expect(raw.hasPrefix("HTTP/1.1 200 OK"))
        #expect(raw.contains("Transfer-Encoding: chunked"))
        // No last chunk: a client cannot take the cut body for a whole one.
        #expect(raw.hasSuffix("a\r\n0123456789\r\n"))
        #expect(!raw.contains("\r\n0\r\n\r\n"))
        try await server.stop()
    }
}

/// Starts a body of 100 bytes (or a chunked one), sends 10, then fails.
struct FailMidBodyResponder: Responder {
    var chunked: Bool

    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        let headers = chunked ? HTTPHeaders() : HTTPHeaders([("Content-Length", "100")])
        let body = try await writer.writeHead(status: .ok, headers: headers)
        try await body.write(ByteBuffer(string: "0123456789"))
        throw InternalFailure()
    }
}

/// Throws after writing a head but before any body byte: nothing has gone
/// out yet (the head waits for the first body bytes), so the failure can
/// still become a proper error response.
struct ThrowsAfterHeadResponder: Responder {
    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        _ = try await writer.writeHead(status: .ok, headers: HTTPHeaders([("Content-Type", "text/plain")]))
        throw InternalFailure()
    }
}

@Suite struct HeldBackHeadTests {
    @Test func failureBeforeAnyByteLeftIsAnErrorPageNotABareClose() async throws {
        let server = try await LiveServer.start(responder: ThrowsAfterHeadResponder())
        let response = try await rawRequest("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: server.port)
        #expect(response.status == 500)
        #expect(!response.text.contains("hunter2"))
        try await server.stop()
    }
}
