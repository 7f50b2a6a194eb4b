import HearthHTTP
import HearthTesting
import NIOCore
import Testing

/// `access_log_format`: an Apache `LogFormat` string compiled once, then
/// rendered per response; notes (`%{cpu}`, `%{NAME}n`) left by the
/// responder; every client or script text escaped; anything unsupported
/// refused with its position.
@Suite struct AccessLogFormatTests {
    /// Leaves notes and a user, as the CGI gateway and Basic auth do.
    struct Noting: Responder {
        func respond(to request: Request, writer: consuming ResponseWriter) async throws {
            request.notes["cpu"] = "0.250"
            request.notes["script"] = "/srv/cgi-bin/a \"b\"\n"
            writer.recordUser("ann")
            try await writer.write(status: .created, body: ByteBuffer(string: "hello\n"))
        }
    }

    static func serve(_ format: String, _ request: String, responder: any Responder = Noting()) async throws -> String {
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: responder, accessLog: log, accessLogFormat: try AccessLogFormat(parsing: format))
        _ = try await rawRequest(request, port: server.port)
        try await server.stop()
        try #require(log.entries.count == 1)
        return log.entries[0]
    }

    @Test func everyDirectivePrintsItsField() async throws {
        let line = try await Self.serve(
            "%h|%a|%A|%l|%u|%r|%m|%U|%q|%H|%s|%>s|%<s|%b|%B|%{Referer}i|%{X-None}i|%{cpu}|%{cpu}n|%{maxrss}|%%|%D|%T|%{ms}T|%{us}T|%t|%p",
            "POST /cgi-bin/x.sh/more?a=1&b=2 HTTP/1.1\r\nHost: t\r\nReferer: http://r.test/\r\nContent-Length: 0\r\n\r\n"
        )
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        try #require(fields.count == 27, "\(line)")
        #expect(Array(fields[0..<21]) == [
            "127.0.0.1", "127.0.0.1", "127.0.0.1", "-", "ann", "POST /cgi-bin/x.sh/more?a=1&b=2 HTTP/1.1", "POST", "/cgi-bin/x.sh/more",
            "?a=1&b=2", "HTTP/1.1", "201", "201", "201", "6", "6", "http://r.test/", "-", "0.250", "0.250", "-", "%",
        ])
        let micros = try #require(Int(fields[21]))
        #expect(fields[22] == String(micros / 1_000_000))
        #expect(Int(fields[23]).map { $0 >= 0 && $0 <= micros / 1000 + 1 } == true)
        #expect(Int(fields[24]).map { $0 >= micros } == true)
        #expect(fields[25].wholeMatch(of: #/\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\]/#) != nil)
        #expect(Int(fields[26]).map { $0 > 0 } == true)
    }

    @Test func noQueryPrintsNothingAndNoBodyPrintsDashOrZero() async throws {
        struct Empty: Responder {
            func respond(to request: Request, writer: consuming ResponseWriter) async throws {
                try await writer.write(status: .noContent, body: ByteBuffer())
            }
        }
        let line = try await Self.serve("[%q] %b %B %{cpu}", "GET /x HTTP/1.1\r\nHost: t\r\n\r\n", responder: Empty())
        #expect(line == "[] - 0 -")
    }

    /// A note or a header cannot forge a field or a line.
    @Test func notesAndHeadersAreEscaped() async throws {
        let line = try await Self.serve(
            #""%{script}n" "%{User-agent}i""#, "GET / HTTP/1.1\r\nHost: t\r\nUser-Agent: a\"b\\c\u{e9}\r\n\r\n"
        )
        #expect(line == #""/srv/cgi-bin/a \"b\"\x0a" "a\"b\\c\xc3\xa9""#)
    }

    /// The named format is the one Apache documents, byte for byte.
    @Test func combinedIsApachesCombinedLogFormat() async throws {
        let line = try await Self.serve(
            #"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i""#, "GET /a HTTP/1.1\r\nHost: t\r\nUser-Agent: u\r\n\r\n"
        )
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: Noting(), accessLog: log)
        _ = try await rawRequest("GET /a HTTP/1.1\r\nHost: t\r\nUser-Agent: u\r\n\r\n", port: server.port)
        try await server.stop()
        let dropTime = { (line: String) in line.replacing(#/\[[^\]]*\]/#, with: "[time]") }
        #expect(log.entries.map(dropTime) == [dropTime(line)])
        #expect(AccessLogFormat.combined == (try AccessLogFormat(parsing: #"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i""#)))
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var format: String
        var position: Int
        var says: String
        var testDescription: String { "\(format) @ \(position): \(says)" }
        init(_ format: String, _ position: Int, _ says: String) { (self.format, self.position, self.says) = (format, position, says) }
    }

    @Test(arguments: [
        Bad("%h %Z", 4, "unknown directive %Z"),
        Bad("%h %{X-A}o", 4, "unknown directive %{X-A}o"),
        Bad("%{Referer", 1, "without its closing"),
        Bad("%h %i", 4, "%i needs a name"),
        Bad("%n", 1, "%n needs a name"),
        Bad("%{cpu}x", 1, "unknown directive %{cpu}x"),
        Bad("%{min}T", 1, "the unit must be s, ms or us"),
        Bad("%400r", 1, "status conditions"),
        Bad("%!200s", 1, "status conditions"),
        Bad("%>b", 1, "applies only to %s"),
        Bad("%h %", 4, "ends in the middle of a directive"),
        Bad("%h %-", 4, "must be followed by a directive letter"),
        Bad("%h\n%r", 3, "control character"),
        Bad("%{a b}n", 1, "not a note name"),
        Bad("%{}", 1, "not a note name"),
        Bad("%{Bad Name}i", 1, "not a header field name"),
        Bad("%{HOME}e", 1, "only %{UNIQUE_ID}e"),
        Bad("%e", 1, "%e needs a name"),
    ])
    func badFormatIsRefusedWithItsPosition(_ bad: Bad) {
        #expect {
            _ = try AccessLogFormat(parsing: bad.format)
        } throws: { error in
            guard let error = error as? AccessLogFormatError else { return false }
            return error.position == bad.position && error.message.contains(bad.says)
        }
    }

    @Test(arguments: ["%h", "%%", "plain text then %r", "%{cpu} %{maxrss} %{wall}", "%{X-Forwarded-For}i\t%{worker}n", "%>s %<s", "%{s}T", "%{UNIQUE_ID}e"])
    func goodFormatCompiles(_ format: String) throws {
        _ = try AccessLogFormat(parsing: format)
    }
}
