import Foundation
@testable import HearthHTTP
import HearthTesting
import NIOCore
import Testing

/// `access_log_format: json`: one object a line, whatever a client or a
/// script put in the fields.
@Suite struct AccessLogJSONTests {
    /// A path, query and header with quotes, backslashes, a tab and a
    /// non-ASCII letter, and a note with a newline (the Noting responder):
    /// each line parses as one JSON object holding exactly those values.
    @Test func hostileFieldsStayInsideTheirStrings() async throws {
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: AccessLogFormatTests.Noting(), accessLog: log, accessLogFormat: .json)
        let response = try await rawRequest(
            "GET /a\"b\\c?q=\"\\ HTTP/1.1\r\nHost: t\r\nUser-Agent: x\ty\u{e9}\r\nReferer: r\r\nConnection: close\r\n\r\n", port: server.port
        )
        try await server.stop()
        try #require(log.entries.count == 1)
        let line = log.entries[0]
        #expect(line.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "one line of ASCII: \(line)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["request_id"] as? String == response.header("x-request-id"))
        #expect(object["path"] as? String == "/a\"b\\c")
        #expect(object["query"] as? String == "q=\"\\")
        #expect(object["user_agent"] as? String == "x\ty\u{e9}")
        #expect(object["referer"] as? String == "r")
        #expect(object["script"] as? String == "/srv/cgi-bin/a \"b\"\n")
        #expect(object["cpu"] as? Double == 0.25)
        #expect(object["user"] as? String == "ann")
        #expect(object["method"] as? String == "GET")
        #expect(object["protocol"] as? String == "HTTP/1.1")
        #expect(object["status"] as? Int == 201)
        #expect(object["bytes"] as? Int == 6)
        #expect(object["client"] as? String == "127.0.0.1")
        #expect((object["duration"] as? Double).map { $0 >= 0 && $0 < 30 } == true)
        #expect((object["time"] as? String)?.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/#) != nil)
        #expect(object["maxrss"] == nil, "no script ran: no cost fields")
    }

    /// Every control byte, DEL, quotes, a backslash and a character
    /// outside the BMP (a surrogate pair), escaped as RFC 8259 §7 says.
    @Test func escapingFollowsRFC8259() throws {
        let raw = String(decoding: Array(0..<0x20) + [0x7F, 0x22, 0x5C], as: UTF8.self) + "\u{1F525}"
        var escaped = ""
        AccessLogJSON.escape(raw, into: &escaped)
        #expect(escaped.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        #expect(escaped.hasPrefix(#"\u0000\u0001"#))
        #expect(escaped.contains(#"\t\n\u000b\u000c\r"#))
        #expect(escaped.hasSuffix(#"\u007f\"\\\ud83d\udd25"#))
        let decoded = try JSONSerialization.jsonObject(with: Data("\"\(escaped)\"".utf8), options: .fragmentsAllowed) as? String
        #expect(decoded == raw)
    }

    /// A line the server could not read has no request fields, only what
    /// is known: the id it was answered with, the client, the status.
    @Test func aMalformedRequestsLineHasWhatIsKnown() async throws {
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: AccessLogFormatTests.Noting(), accessLog: log, accessLogFormat: .json)
        let response = try await rawRequest("GET /x HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n", port: server.port)
        try await server.stop()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(log.entries.first?.utf8 ?? "".utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["time", "request_id", "client", "status", "bytes"])
        #expect(object["request_id"] as? String == response.header("x-request-id"))
        #expect(object["status"] as? Int == 400)
    }
}
