import HearthHTTP
import HearthTesting
import Testing

/// Requests whose framing two parsers could read differently (the
/// CVE-2022-22720 family, SECURITY.md) are refused with 400 and the
/// connection closes, so bytes after them are never read as a request.
@Suite struct RequestSmugglingTests {
    /// A request that declares both framings; with Content-Length the body
    /// would swallow the GET, with chunked the GET would be a second request.
    static let smuggled = "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    static let bothFramings = [
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(smuggled.utf8.count)\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: \(smuggled.utf8.count)\r\n\r\n",
    ]

    @Test(arguments: bothFramings)
    func contentLengthWithTransferEncodingIs400AndNothingAfterIsServed(head: String) async throws {
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: TextResponder(), accessLog: log)
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send(head + Self.smuggled)
        let response = try await connection.readResponse()
        #expect(response.status == 400)
        #expect(response.header("connection") == "close")
        // Only one response before the close: the smuggled GET was not served.
        let rest = await textUntilClose(connection)
        #expect(statusLineCount(rest) == 0, "a second response followed: \(rest)")
        try await expectServesNewConnection(server)
        try await server.stop()
        #expect(!log.entries.contains { $0.contains("/smuggled") })
    }

    @Test(arguments: [
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!",
    ])
    func conflictingContentLengthsAre400(request: String) async throws {
        try await expectRefusalAndClose(request)
    }

    @Test func http11WithoutHostIs400() async throws {
        try await expectRefusalAndClose("GET / HTTP/1.1\r\n\r\n")
    }

    @Test func http11WithTwoHostsIs400() async throws {
        try await expectRefusalAndClose("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
    }

    @Test func http10WithoutHostIsServed() async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        #expect(try await rawRequest("GET / HTTP/1.0\r\n\r\n", port: server.port).status == 200)
        try await server.stop()
    }

    @Test func obsFoldInARequestHeaderIs400() async throws {
        // RFC 9112 §5.2: a server MUST either reject obs-fold with 400 or
        // replace it with spaces; NIO's llhttp rejects it.
        try await expectRefusalAndClose("GET / HTTP/1.1\r\nHost: x\r\nX-Folded: one\r\n two\r\n\r\n")
    }

    @Test(arguments: [
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" + smuggled,
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n" + smuggled,
    ])
    func transferEncodingNotEndingInChunkedIs400(request: String) async throws {
        // RFC 9112 §6.3 (4): the body length of such a request cannot be
        // determined; the server MUST answer 400 and close.
        try await expectRefusalAndClose(request)
    }

    @Test func transferCodingOtherThanChunkedIs501() async throws {
        // RFC 9112 §6.1: chunked last, but a coding the server lacks.
        try await expectRefusalAndClose("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" + Self.smuggled, status: 501)
    }

    private func expectRefusalAndClose(_ request: String, status: Int = 400) async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send(request)
        let response = try await connection.readResponse()
        #expect(response.status == status)
        #expect(response.header("connection") == "close")
        let rest = await textUntilClose(connection)
        #expect(statusLineCount(rest) == 0, "a second response followed: \(rest)")
        try await expectServesNewConnection(server)
        try await server.stop()
    }
}
