import HearthHTTP
import NIOCore
import HearthTesting
import Testing

/// One Combined Log Format line per response:
/// `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`.
/// The server is stopped before the log is read: stopping waits for every
/// connection, so every line has been written by then.
@Suite struct AccessLogTests {
    struct Entry {
        var host, user, time, request, status, bytes, referer, agent: String
    }

    /// Parses a line the way a log analyser would: quoted fields end at the
    /// first quote not escaped by a backslash.
    static func parse(_ line: String) -> Entry? {
        let pattern = #/(\S+) - (\S+) \[(\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"/#
        guard let match = line.wholeMatch(of: pattern) else { return nil }
        let m = match.output
        return Entry(host: String(m.1), user: String(m.2), time: String(m.3), request: String(m.4), status: String(m.5), bytes: String(m.6), referer: String(m.7), agent: String(m.8))
    }

    @Test func oneLinePerResponseWithStatusBytesRequestRefererAndAgent() async throws {
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: TextResponder(), accessLog: log)
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send("GET /a?q=1 HTTP/1.1\r\nHost: x\r\nReferer: http://example.test/from\r\nUser-Agent: probe/1.0 (test)\r\n\r\n")
        #expect(try await connection.readResponse().text == "hello\n")
        try await connection.send("HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await connection.readResponse(head: true).status == 200)
        try await server.stop()

        let lines = log.entries
        try #require(lines.count == 2)
        let first = try #require(Self.parse(lines[0]), "not Combined Log Format: \(lines[0])")
        #expect(first.host == "127.0.0.1")
        #expect(first.user == "-")
        #expect(first.request == "GET /a?q=1 HTTP/1.1")
        #expect(first.status == "200")
        #expect(first.bytes == "6")
        #expect(first.referer == "http://example.test/from")
        #expect(first.agent == "probe/1.0 (test)")
        let second = try #require(Self.parse(lines[1]), "not Combined Log Format: \(lines[1])")
        #expect(second.request == "HEAD /b HTTP/1.1")
        // No body bytes went out for HEAD: %b is "-".
        #expect(second.bytes == "-")
        #expect(second.referer == "-")
        #expect(second.agent == "-")
    }

    @Test func errorResponseIsLoggedWithItsStatusAndPageSize() async throws {
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: ThrowingResponder(error: HTTPError(.forbidden)), accessLog: log)
        let response = try await rawRequest("GET /private HTTP/1.1\r\nHost: x\r\n\r\n", port: server.port)
        try await server.stop()
        let entry = try #require(log.entries.first.flatMap(Self.parse))
        #expect(entry.status == "403")
        #expect(entry.bytes == String(response.body.count))
    }

    @Test func hostileUserAgentIsEscapedAndForgesNoField() async throws {
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: TextResponder(), accessLog: log)
        // A quote to close the field early, a forged status, a tab, a
        // backslash and non-ASCII bytes.
        let agent = "evil\" 999 1 \"-\" \"forged\t\\x\u{e9}"
        #expect(try await rawRequest("GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: \(agent)\r\n\r\n", port: server.port).status == 200)
        try await server.stop()

        let lines = log.entries
        try #require(lines.count == 1)
        #expect(!lines[0].contains("\n"))
        let entry = try #require(Self.parse(lines[0]), "not Combined Log Format: \(lines[0])")
        #expect(entry.status == "200")
        #expect(entry.agent == #"evil\" 999 1 \"-\" \"forged\x09\\x\xc3\xa9"#)
    }

    @Test func userAgentWithANewlineNeverReachesTheLog() async throws {
        // A bare LF or an obs-fold would start a new log line if it were
        // let through; the parser refuses both (400), so no line is forged.
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: TextResponder(), accessLog: log)
        for request in [
            "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\"b\n127.0.0.1 - - [forged]\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\"b\r\n 127.0.0.1 - - [forged]\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\"b\r127.0.0.1 - - [forged]\r\n\r\n",
        ] {
            #expect(try await rawRequest(request, port: server.port).status == 400)
        }
        try await server.stop()
        #expect(!log.entries.contains { $0.contains("forged") || $0.contains("\n") })
        // Each refusal is still logged, with "-" for the unreadable request.
        #expect(log.entries.count == 3)
        #expect(log.entries.allSatisfy { $0.contains("\"-\" 400 ") })
    }

    /// `%u`: the user a responder recorded (Basic authentication), escaped
    /// so that a space or a quote in a user-id (legal, RFC 7617 §2) cannot
    /// shift or forge the line's fields; per request, not per connection.
    @Test func recordedUserFillsTheUserField() async throws {
        struct Recording: Responder {
            func respond(to request: Request, writer: consuming ResponseWriter) async throws {
                if request.head.uri == "/who" { writer.recordUser("ann \"x\" lee") }
                try await writer.write(status: .ok, body: ByteBuffer(string: "ok"))
            }
        }
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: Recording(), accessLog: log)
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send("GET /who HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await connection.readResponse()
        try await connection.send("GET /anonymous HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await connection.readResponse()
        try await server.stop()
        let entries = log.entries.compactMap(Self.parse)
        #expect(entries.map(\.user) == [#"ann\x20\"x\"\x20lee"#, "-"])
    }
}
