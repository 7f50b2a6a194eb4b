import HearthWeb
import Testing

struct MultipartCase: Sendable, CustomTestStringConvertible {
    let name: String
    var contentType = "multipart/form-data; boundary=XyZ"
    let body: [UInt8]
    let expected: FormSummary
    var testDescription: String { name }
}

private let disposition = "Content-Disposition: form-data; name="

let multipartCases: [MultipartCase] = [
    .init(name: "two text fields", body: multipartBody(parts: [(["\(disposition)\"a\""], "1"), (["\(disposition)\"b\""], "two")]),
          expected: FormSummary(fields: ["a=1", "b=two"])),
    .init(name: "RFC 7578 §4.2: a file with its name and §4.4 content type",
          body: multipartBody(parts: [(["\(disposition)\"up\"; filename=\"a.txt\"", "Content-Type: text/csv"], "x,y\r\n1,2")]),
          expected: FormSummary(fields: [], files: ["up:a.txt:text/csv:x,y\r\n1,2"])),
    .init(name: "§4.4: a part without Content-Type is text/plain",
          body: multipartBody(parts: [(["\(disposition)\"up\"; filename=\"n\""], "z")]), expected: FormSummary(fields: [], files: ["up:n:text/plain:z"])),
    .init(name: "§4.2: directory parts of a filename are dropped",
          body: multipartBody(parts: [(["\(disposition)\"f\"; filename=\"C:\\dir\\..\\a.txt\""], ""), (["\(disposition)\"g\"; filename=\"../../etc/passwd\""], "")]),
          expected: FormSummary(fields: [], files: ["f:a.txt:text/plain:", "g:passwd:text/plain:"])),
    .init(name: "RFC 8187 filename* wins over filename",
          body: multipartBody(parts: [(["\(disposition)\"f\"; filename=\"euro.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt"], "1")]),
          expected: FormSummary(fields: [], files: ["f:\u{20ac} rates.txt:text/plain:1"])),
    .init(name: "an empty file input: filename=\"\" and no bytes",
          body: multipartBody(parts: [(["\(disposition)\"f\"; filename=\"\"", "Content-Type: application/octet-stream"], "")]),
          expected: FormSummary(fields: [], files: ["f::application/octet-stream:"])),
    .init(name: "RFC 2046 §5.1.1: a boundary look-alike inside content is content",
          body: multipartBody(parts: [(["\(disposition)\"a\""], "x\r\n--XyZz\r\n--XyZ-\r\n--Xy\r\n-- XyZ\r\n--XyZ\tx")]),
          expected: FormSummary(fields: ["a=x\r\n--XyZz\r\n--XyZ-\r\n--Xy\r\n-- XyZ\r\n--XyZ\tx"])),
    .init(name: "§5.1.1: \"--boundary\" not at a line start is content",
          body: multipartBody(parts: [(["\(disposition)\"a\""], "a--XyZ--b")]), expected: FormSummary(fields: ["a=a--XyZ--b"])),
    .init(name: "CRLF inside content is kept; only the one before the delimiter goes",
          body: multipartBody(parts: [(["\(disposition)\"a\""], "\r\n\r\nline\r\n")]), expected: FormSummary(fields: ["a=\r\n\r\nline\r\n"])),
    .init(name: "empty fields", body: multipartBody(parts: [(["\(disposition)\"a\""], ""), (["\(disposition)\"b\""], "")]),
          expected: FormSummary(fields: ["a=", "b="])),
    .init(name: "repeated fields in order",
          body: multipartBody(parts: [(["\(disposition)\"t\""], "1"), (["\(disposition)\"u\""], "x"), (["\(disposition)\"t\""], "2")]),
          expected: FormSummary(fields: ["t=1", "u=x", "t=2"])),
    .init(name: "UTF-8 names and values", body: multipartBody(parts: [(["\(disposition)\"caf\u{e9}\""], "\u{1f525}")]),
          expected: FormSummary(fields: ["caf\u{e9}=\u{1f525}"])),
    .init(name: "§5.1.1: preamble and epilogue are ignored",
          body: Array("preamble\r\n".utf8) + multipartBody(parts: [(["\(disposition)\"a\""], "1")]) + Array("epilogue --XyZ\r\n".utf8),
          expected: FormSummary(fields: ["a=1"])),
    .init(name: "§5.1.1: transport padding after a boundary",
          body: Array("--XyZ \t\r\n\(disposition)\"a\"\r\n\r\n1\r\n--XyZ--".utf8), expected: FormSummary(fields: ["a=1"])),
    .init(name: "a quoted boundary parameter", contentType: "multipart/form-data; boundary=\"a b:c\"",
          body: multipartBody(boundary: "a b:c", parts: [(["\(disposition)a"], "1")]), expected: FormSummary(fields: ["a=1"])),
    .init(name: "header names are case-insensitive; folded lines join",
          body: multipartBody(parts: [(["content-disposition: form-data;", " name=\"a\"; filename=\"f\"", "CONTENT-TYPE: image/png"], "P")]),
          expected: FormSummary(fields: [], files: ["a:f:image/png:P"])),
]

@Suite("Forms: multipart/form-data")
struct MultipartFormTests {
    @Test(arguments: multipartCases)
    func parsesEveryFeeding(_ example: MultipartCase) async throws {
        for (feeding, chunks) in feedings(example.body) {
            let request = makeRequest(contentType: example.contentType, chunks: chunks)
            let summary = try FormSummary(await request.form())
            #expect(summary == example.expected, "\(feeding)")
            if summary != example.expected { break }
        }
    }

    @Test(arguments: [
        ("multipart/form-data", multipartBody(parts: [(["\(disposition)a"], "1")]), "multipart/form-data without a boundary parameter"),
        ("multipart/form-data; boundary=\(String(repeating: "b", count: 71))", [UInt8](), "multipart boundary must be 1 to 70 characters (RFC 2046 §5.1.1)"),
        ("multipart/form-data; boundary=XyZ", multipartBody(parts: [(["\(disposition)a"], "1")], close: false), "multipart body ends before its final boundary"),
        ("multipart/form-data; boundary=XyZ", [UInt8](), "multipart body ends before its final boundary"),
        ("multipart/form-data; boundary=XyZ", multipartBody(parts: [(["Content-Type: text/plain"], "1")]), "multipart part without Content-Disposition: form-data; name=…"),
        ("multipart/form-data; boundary=XyZ", multipartBody(parts: [(["Content-Disposition: attachment; name=a"], "1")]), "multipart part without Content-Disposition: form-data; name=…"),
        ("multipart/form-data; boundary=XyZ", multipartBody(parts: [(["\(disposition)a", "no colon here"], "1")]), "multipart part header line without a colon"),
        ("multipart/form-data; boundary=XyZ", multipartBody(parts: [(["\(disposition)a"], "\u{FF}")]).map { $0 == 0xC3 ? 0xFF : $0 }, "form field \"a\" is not UTF-8"),
    ] as [(String, [UInt8], String)])
    func malformedIsABadRequest(_ contentType: String, _ body: [UInt8], _ reason: String) async throws {
        let request = makeRequest(contentType: contentType, chunks: [body])
        await #expect(throws: HearthError.badRequest(reason)) { try await request.form() }
    }
}
