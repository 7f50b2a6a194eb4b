@testable import HearthConformanceKit
import Testing

/// The suite's own response parser: CR LF and bare-LF heads, chunked and
/// sized bodies, interim responses.
@Suite struct WireParserTests {
    static func parse(_ text: String, closed: Bool = false, isHead: Bool = false) -> WireResponse? {
        if case .complete(let response) = WireResponseParser.parse(Array(text.utf8), closed: closed, isHead: isHead) { return response }
        return nil
    }

    @Test func chunkedBodyAfterACRLFHead() throws {
        let response = try #require(Self.parse("HTTP/1.1 200 OK\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
        #expect(response.header("x-a") == "1")
        #expect(response.bodyText == "abc")
        #expect(response.headUsesCRLF)
    }

    @Test func bareLFHeadIsReadAndReported() throws {
        let response = try #require(Self.parse("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nbody", closed: true))
        #expect(response.header("content-type") == "text/plain")
        #expect(response.bodyText == "body")
        #expect(!response.headUsesCRLF)
    }

    @Test func interimResponsesAreSkipped() throws {
        let response = try #require(Self.parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"))
        #expect(response.status == 201)
        #expect(response.bodyText == "ok")
    }

    @Test func headAnswerReadToTheCloseShowsALeakedBody() throws {
        let response = try #require(Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nleak", closed: true, isHead: true))
        #expect(response.bodyText == "leak")
    }
}
