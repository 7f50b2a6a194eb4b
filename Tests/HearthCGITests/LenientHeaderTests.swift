import HearthCGI
import Testing

/// `script_headers: lenient`: field names as Apache takes them (its script
/// scanner splits at the first colon; its response check under
/// `HttpProtocolOptions Unsafe` wants visible ASCII or obs-text), every
/// rule against response splitting kept.
@Suite("CGIOutputParser, lenient names")
struct LenientHeaderTests {
    /// Python's cgitb.reset(): what cgitb.enable() prints before its
    /// traceback page.
    static let cgitb = "<!--: spam\nContent-Type: text/html\n\n<body bgcolor=\"#f0f0f8\"> -->"

    @Test func cgitbsPageIsRefusedStrictAndServedLenient() {
        let bytes = Array(Self.cgitb.utf8)
        let lenient = CGIResponseHead(contentType: "text/html", droppedNames: ["<!--"])
        for (way, chunks) in ParseResult.everyChunking(of: bytes) {
            #expect(ParseResult.parse(chunks) == .failure(.invalidFieldName("<!--")), "\(way)")
            #expect(ParseResult.parse(chunks, names: .lenient) == .head(lenient, body: Array("<body bgcolor=\"#f0f0f8\"> -->".utf8)), "\(way)")
        }
    }

    /// A name that is a token is relayed as in strict mode; one that is not
    /// is read past, never handed on (Hearth writes no field an HTTP parser
    /// would refuse).
    @Test func tokensAreKeptAndOtherNamesDropped() {
        let output = "X(Y): 1\nContent-Type: text/plain\nX-Kept: 2\n{a}: 3\nCaf\u{e9}: 4\n\n"
        let expected = CGIResponseHead(
            contentType: "text/plain", fields: [CGIField(name: "X-Kept", value: "2")], droppedNames: ["X(Y)", "{a}", "Caf\u{e9}"]
        )
        #expect(ParseResult.parse([Array(output.utf8)[...]], names: .lenient) == .head(expected, body: []))
    }

    /// Apache refuses these too; lenient is not a hole in the splitting rules.
    @Test(arguments: [
        ("a space before the colon", "Content-Type : text/plain\n\n", CGIOutputError.invalidFieldName("Content-Type ")),
        ("a space inside the name", "Content-Type: text/plain\nX Y: z\n\n", .invalidFieldName("X Y")),
        ("an empty name", "Content-Type: text/plain\n: z\n\n", .invalidFieldName("")),
        ("a control byte in the name", "Content-Type: text/plain\nX\u{1}Y: z\n\n", .invalidFieldName("X\u{1}Y")),
        ("a DEL in the name", "Content-Type: text/plain\nX\u{7f}: z\n\n", .invalidFieldName("X\u{7f}")),
        ("a line without a colon", "Content-Type: text/plain\nHTTP/1.1 200 OK\n\n", .malformedLine("HTTP/1.1 200 OK")),
        ("CVE-2024-24795 a CR inside a value", "Content-Type: text/html\rSet-Cookie: admin=1\n\n", .invalidFieldValue(name: "Content-Type")),
        ("CVE-2024-24795 a CR in a dropped field's value", "<!--: a\rSet-Cookie: admin=1\nContent-Type: text/html\n\n", .invalidFieldValue(name: "<!--")),
        ("CVE-2024-24795 a NUL in a value", "Content-Type: text/plain\nX-A: a\u{0}b\n\n", .invalidFieldValue(name: "X-A")),
        ("a continuation line", "<!--: spam\n X-Folded: 1\nContent-Type: text/html\n\n", .continuationLine),
        ("Content-Type twice", "Content-Type: a/b\ncontent-type: c/d\n\n", .duplicateField("Content-Type")),
        ("no CGI field", "<!--: spam\n\nhello", .noFields),
    ])
    func splittingRulesHoldWhenLenient(_ name: String, _ output: String, _ error: CGIOutputError) {
        for (way, chunks) in ParseResult.everyChunking(of: Array(output.utf8)) {
            #expect(ParseResult.parse(chunks, names: .lenient) == .failure(error), "\(name), \(way)")
        }
    }

    @Test func theSizeCapHoldsWhenLenient() {
        let output = Array("<!--: spam\nContent-Type: text/html\n\nbody".utf8)
        #expect(ParseResult.parse([output[...]], maxHeaderBytes: 20, names: .lenient) == .failure(.headerTooLarge(limit: 20)))
    }
}
