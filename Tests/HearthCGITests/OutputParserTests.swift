import HearthCGI
import Testing

/// What feeding a whole output to a parser came to: the head and every body
/// byte after it (from the parser and from later chunks), or the failure.
enum ParseResult: Equatable, CustomStringConvertible {
    case head(CGIResponseHead, body: [UInt8])
    case failure(CGIOutputError)

    var description: String {
        switch self {
        case .head(let head, let body): "head(\(head), body: \(String(decoding: body, as: UTF8.self).debugDescription))"
        case .failure(let error): "failure(\(error))"
        }
    }

    static func parse(_ chunks: [ArraySlice<UInt8>], maxHeaderBytes: Int = 32 * 1024, names: CGIScriptHeaders = .strict) -> ParseResult {
        var parser = CGIOutputParser(maxHeaderBytes: maxHeaderBytes, names: names)
        for (index, chunk) in chunks.enumerated() {
            switch parser.feed(chunk) {
            case .needMore: continue
            case .failure(let error): return .failure(error)
            case .head(let head, let body): return .head(head, body: body + chunks[(index + 1)...].joined())
            }
        }
        return .failure(parser.endOfOutput())
    }

    /// The same output fed (a) at once, (b) a byte at a time, (c) in two
    /// pieces split at every offset.
    static func everyChunking(of output: [UInt8]) -> [(String, [ArraySlice<UInt8>])] {
        var ways: [(String, [ArraySlice<UInt8>])] = [
            ("all at once", [output[...]]),
            ("byte by byte", output.indices.map { output[$0...$0] }),
        ]
        for offset in 0...output.count {
            ways.append(("split at \(offset)", [output[..<offset], output[offset...]]))
        }
        return ways
    }
}

struct ValidOutput: Sendable, CustomTestStringConvertible {
    let name: String
    let output: String
    let head: CGIResponseHead
    let body: String
    var testDescription: String { name }
}

private let plain = CGIResponseHead(contentType: "text/plain")

let validOutputs: [ValidOutput] = [
    .init(name: "§6.2.1 LF line ends with a body", output: "Content-Type: text/plain\n\nhello", head: plain, body: "hello"),
    .init(name: "§7.2 CRLF line ends are accepted", output: "Content-Type: text/plain\r\n\r\nhello\r\n", head: plain, body: "hello\r\n"),
    .init(name: "mixed LF and CRLF line ends", output: "Status: 200 OK\r\nContent-Type: text/plain\n\r\nx", head: CGIResponseHead(status: CGIStatus(code: 200, reason: "OK"), contentType: "text/plain"), body: "x"),
    .init(name: "§6.4 an empty body", output: "Content-Type: text/plain\n\n", head: plain, body: ""),
    .init(name: "§6.4 the body may contain blank lines", output: "Content-Type: text/plain\n\nline 1\n\nline 2\r\n\r\n\n", head: plain, body: "line 1\n\nline 2\r\n\r\n\n"),
    .init(
        name: "§6.3.3 Status with a reason phrase",
        output: "Status: 404 Not Found\nContent-Type: text/html\n\n<p>no</p>",
        head: CGIResponseHead(status: CGIStatus(code: 404, reason: "Not Found"), contentType: "text/html"), body: "<p>no</p>"
    ),
    .init(name: "§6.3.3 Status without a reason phrase", output: "Status: 204\n\n", head: CGIResponseHead(status: CGIStatus(code: 204, reason: "")), body: ""),
    .init(name: "§6.3.3 Status with a tab before the reason", output: "Status: 418\tI'm a teapot\n\n", head: CGIResponseHead(status: CGIStatus(code: 418, reason: "I'm a teapot")), body: ""),
    .init(name: "§6.3.2 a local Location", output: "Location: /other?x=1\n\n", head: CGIResponseHead(location: "/other?x=1"), body: ""),
    .init(
        name: "§6.3.2 an absolute Location",
        output: "Location: https://example.com/a#b\r\n\r\n", head: CGIResponseHead(location: "https://example.com/a#b"), body: ""
    ),
    .init(
        name: "§6.3 field names are case-insensitive",
        output: "CONTENT-TYPE: a/b\nlocation: /c\nstatus: 302 Found\n\n",
        head: CGIResponseHead(status: CGIStatus(code: 302, reason: "Found"), contentType: "a/b", location: "/c"), body: ""
    ),
    .init(
        name: "§6.3.4 other fields keep their order and spelling",
        output: "X-Powered-By: sh\nContent-Type: text/plain\nSet-Cookie: a=1\nset-cookie: b=2\n\nok",
        head: CGIResponseHead(contentType: "text/plain", fields: [
            CGIField(name: "X-Powered-By", value: "sh"), CGIField(name: "Set-Cookie", value: "a=1"), CGIField(name: "set-cookie", value: "b=2"),
        ]),
        body: "ok"
    ),
    .init(
        name: "§6.3 whitespace around a value is not part of it",
        output: "Content-Type:text/plain\nX-Pad: \t padded value \t\n\n",
        head: CGIResponseHead(contentType: "text/plain", fields: [CGIField(name: "X-Pad", value: "padded value")]), body: ""
    ),
    .init(
        name: "§6.3 a NULL field value is a field not sent",
        output: "Content-Type: text/plain\nX-Empty:\nStatus:   \n\n", head: plain, body: ""
    ),
    .init(
        name: "values may hold tabs and UTF-8",
        output: "Content-Type: text/plain; charset=utf-8\nX-Note: caf\u{e9}\tok\n\n",
        head: CGIResponseHead(contentType: "text/plain; charset=utf-8", fields: [CGIField(name: "X-Note", value: "caf\u{e9}\tok")]), body: ""
    ),
    .init(name: "the body is binary-safe", output: "Content-Type: application/octet-stream\n\n\u{0}\r\u{7f}\n", head: CGIResponseHead(contentType: "application/octet-stream"), body: "\u{0}\r\u{7f}\n"),
]

struct InvalidOutput: Sendable, CustomTestStringConvertible {
    let name: String
    let output: String
    var maxHeaderBytes = 32 * 1024
    let error: CGIOutputError
    var testDescription: String { name }
}

let invalidOutputs: [InvalidOutput] = [
    .init(name: "§6.1 no output at all", output: "", error: .noOutput),
    .init(name: "§6.2 output that ends inside the header block", output: "Content-Type: text/plain\n", error: .headerNotTerminated),
    .init(name: "§6.2 output without any line end", output: "Content-Type: text/plain", error: .headerNotTerminated),
    .init(name: "a header block over the size cap", output: "Content-Type: text/plain\n\nbody", maxHeaderBytes: 16, error: .headerTooLarge(limit: 16)),
    .init(name: "an endless header block over the size cap", output: "X-A: 1\nX-B: 2\nX-C: 3\nX-D: 4\n", maxHeaderBytes: 16, error: .headerTooLarge(limit: 16)),
    .init(name: "§6.3 a block without a CGI field", output: "X-Powered-By: sh\n\nhello", error: .noFields),
    .init(name: "§6.2 a blank line first: no header fields", output: "\nhello", error: .noFields),
    .init(name: "§6.2 a CRLF blank line first: no header fields", output: "\r\nhello", error: .noFields),
    .init(name: "§6.3 empty CGI fields count as not sent", output: "Content-Type:\nLocation: \n\n", error: .noFields),
    .init(name: "§6.3 a line without a colon", output: "Content-Type: text/plain\nHTTP/1.1 200 OK\n\n", error: .malformedLine("HTTP/1.1 200 OK")),
    .init(name: "§6.3 no whitespace between name and colon", output: "Content-Type : text/plain\n\n", error: .invalidFieldName("Content-Type ")),
    .init(name: "§6.3 a field name must be a token", output: "Content-Type: text/plain\nX(Y): z\n\n", error: .invalidFieldName("X(Y)")),
    .init(name: "§6.3 a field name must not be empty", output: "Content-Type: text/plain\n: z\n\n", error: .invalidFieldName("")),
    .init(name: "§6.3 a field name must be ASCII", output: "Content-Type: text/plain\nCaf\u{e9}: z\n\n", error: .invalidFieldName("Caf\u{e9}")),
    .init(
        name: "CVE-2024-24795 a CR inside a value",
        output: "Content-Type: text/html\rSet-Cookie: admin=1\n\n", error: .invalidFieldValue(name: "Content-Type")
    ),
    .init(name: "CVE-2024-24795 a CR before CRLF", output: "Content-Type: text/html\r\r\n\r\n", error: .invalidFieldValue(name: "Content-Type")),
    .init(name: "CVE-2024-24795 a NUL in a value", output: "Content-Type: text/plain\nX-A: a\u{0}b\n\n", error: .invalidFieldValue(name: "X-A")),
    .init(name: "CVE-2024-24795 a DEL in a value", output: "Content-Type: text/plain\nX-A: a\u{7f}b\n\n", error: .invalidFieldValue(name: "X-A")),
    .init(name: "CVE-2024-24795 a control character in a value", output: "Location: /a\u{1b}b\n\n", error: .invalidFieldValue(name: "Location")),
    .init(name: "§6.3 no continuation lines (space)", output: "Content-Type: text/plain\n X-Folded: 1\n\n", error: .continuationLine),
    .init(name: "§6.3 no continuation lines (tab)", output: "Content-Type: text/plain\n\tmore\n\n", error: .continuationLine),
    .init(name: "§6.3 Status appears once", output: "Status: 200 OK\nContent-Type: a/b\nStatus: 302 Found\n\n", error: .duplicateField("Status")),
    .init(name: "§6.3 Content-Type appears once", output: "Content-Type: a/b\ncontent-type: c/d\n\n", error: .duplicateField("Content-Type")),
    .init(name: "§6.3 Location appears once", output: "Location: /a\nLOCATION: http://evil/\n\n", error: .duplicateField("Location")),
    .init(name: "§6.3.3 Status \"20\" has too few digits", output: "Status: 20\nContent-Type: a/b\n\n", error: .invalidStatus("20")),
    .init(name: "§6.3.3 Status \"2000\" has too many digits", output: "Status: 2000\nContent-Type: a/b\n\n", error: .invalidStatus("2000")),
    .init(name: "§6.3.3 Status \"abc\" is not a number", output: "Status: abc\nContent-Type: a/b\n\n", error: .invalidStatus("abc")),
    .init(name: "§6.3.3 Status \"099\" is below 100", output: "Status: 099\nContent-Type: a/b\n\n", error: .invalidStatus("099")),
    .init(name: "RFC 9110 §15.2 Status 101 is interim, never final", output: "Status: 101 Switching Protocols\nContent-Type: a/b\n\n", error: .interimStatus("101 Switching Protocols")),
    .init(name: "RFC 9110 §15.2 Status 100 is interim, never final", output: "Status: 100\n\n", error: .interimStatus("100")),
    .init(name: "RFC 9110 §15.2 Status 103 is interim, never final", output: "Status: 103 Early Hints\nLocation: /x\n\n", error: .interimStatus("103 Early Hints")),
    .init(name: "§6.3.3 Status \"600\" is above 599", output: "Status: 600 Nope\nContent-Type: a/b\n\n", error: .invalidStatus("600 Nope")),
    .init(name: "§6.3.3 Status needs a space before its reason", output: "Status: 200OK\n\n", error: .invalidStatus("200OK")),
    .init(name: "§6.3.3 Status digits are ASCII", output: "Status: \u{663}00\n\n", error: .invalidStatus("\u{663}00")),
]

@Suite("CGIOutputParser")
struct OutputParserTests {
    @Test(arguments: validOutputs)
    func validOutputParsesTheSameInEveryChunking(_ example: ValidOutput) {
        let expected = ParseResult.head(example.head, body: Array(example.body.utf8))
        for (way, chunks) in ParseResult.everyChunking(of: Array(example.output.utf8)) {
            #expect(ParseResult.parse(chunks) == expected, "\(way)")
        }
    }

    @Test(arguments: invalidOutputs)
    func invalidOutputFailsTheSameInEveryChunking(_ example: InvalidOutput) {
        for (way, chunks) in ParseResult.everyChunking(of: Array(example.output.utf8)) {
            #expect(ParseResult.parse(chunks, maxHeaderBytes: example.maxHeaderBytes) == .failure(example.error), "\(way)")
        }
    }

    /// The cap is on the block without its blank line; it must not depend on
    /// how the output arrived (a CRLF blank line's CR may come alone).
    @Test(arguments: ["Content-Type: text/plain\n\nbody", "Content-Type: text/plain\r\n\r\nbody"])
    func theHeaderSizeCapIsExactInEveryChunking(_ output: String) {
        let bytes = Array(output.utf8)
        let block = output.hasPrefix("Content-Type: text/plain\r\n") ? 26 : 25
        for (way, chunks) in ParseResult.everyChunking(of: bytes) {
            #expect(ParseResult.parse(chunks, maxHeaderBytes: block) == .head(plain, body: Array("body".utf8)), "\(way)")
            #expect(ParseResult.parse(chunks, maxHeaderBytes: block - 1) == .failure(.headerTooLarge(limit: block - 1)), "\(way)")
        }
    }

    @Test func needsMoreUntilTheBlankLine() {
        var parser = CGIOutputParser()
        #expect(parser.feed(Array("Content-Type: text/plain\r\n".utf8)) == .needMore)
        #expect(parser.feed(Array("\r".utf8)) == .needMore)
        #expect(parser.feed(Array("\nrest".utf8)) == .head(plain, body: Array("rest".utf8)))
    }

    @Test func anEmptyFeedNeedsMore() {
        var parser = CGIOutputParser()
        #expect(parser.feed([UInt8]()) == .needMore)
        #expect(parser.endOfOutput() == .noOutput)
    }

    @Test func everyErrorDescribesItself() {
        let errors: [CGIOutputError] = [
            .noOutput, .headerNotTerminated, .headerTooLarge(limit: 9), .noFields, .malformedLine("x"),
            .invalidFieldName("x"), .invalidFieldValue(name: "x"), .continuationLine, .duplicateField("x"), .invalidStatus("x"), .interimStatus("x"),
        ]
        #expect(Set(errors.map(\.description)).count == errors.count)
        #expect(CGIOutputError.headerTooLarge(limit: 9).description.contains("9"))
    }
}
