import HearthCGI
import Testing

struct KindCase: Sendable, CustomTestStringConvertible {
    let name: String
    let head: CGIResponseHead
    let kind: CGIResponseKind
    var testDescription: String { name }
}

private let ok = CGIStatus(code: 200, reason: "OK")
private let found = CGIStatus(code: 302, reason: "Found")
private let html = CGIField(name: "Content-Type", value: "text/html")
private let cookie = CGIField(name: "Set-Cookie", value: "a=1")

let kindCases: [KindCase] = [
    .init(
        name: "§6.2.1 a document without Status is 200 OK",
        head: CGIResponseHead(contentType: "text/html", fields: [cookie]), kind: .document(status: ok, fields: [html, cookie])
    ),
    .init(
        name: "§6.2.1 a document keeps its Status",
        head: CGIResponseHead(status: CGIStatus(code: 404, reason: "Not Found"), contentType: "text/html"),
        kind: .document(status: CGIStatus(code: 404, reason: "Not Found"), fields: [html])
    ),
    .init(name: "§6.2.1 a Status alone is a document with no fields", head: CGIResponseHead(status: CGIStatus(code: 204, reason: "")), kind: .document(status: CGIStatus(code: 204, reason: ""), fields: [])),
    .init(name: "§6.2.2 a local Location is a local redirect", head: CGIResponseHead(location: "/x?y"), kind: .localRedirect("/x?y")),
    .init(name: "§6.2.2 a local Location with Status 200 is still a local redirect", head: CGIResponseHead(status: ok, location: "/x?y"), kind: .localRedirect("/x?y")),
    .init(
        name: "§6.2.2 a local Location with a redirect Status goes to the client",
        head: CGIResponseHead(status: found, location: "/x"), kind: .document(status: found, fields: [CGIField(name: "Location", value: "/x")])
    ),
    .init(
        name: "§6.2.3 an absolute Location is a client redirect, 302 Found",
        head: CGIResponseHead(location: "http://example.com/"), kind: .document(status: found, fields: [CGIField(name: "Location", value: "http://example.com/")])
    ),
    .init(
        name: "§6.2.3 \"//host\" is not a local path: a client redirect",
        head: CGIResponseHead(location: "//evil.example/x"), kind: .document(status: found, fields: [CGIField(name: "Location", value: "//evil.example/x")])
    ),
    .init(
        name: "§6.2.3 a client redirect keeps its extension fields",
        head: CGIResponseHead(location: "https://e/", fields: [cookie]),
        kind: .document(status: found, fields: [CGIField(name: "Location", value: "https://e/"), cookie])
    ),
    .init(
        name: "§6.2.4 a client redirect with document keeps Status and Content-Type",
        head: CGIResponseHead(status: CGIStatus(code: 301, reason: "Moved Permanently"), contentType: "text/html", location: "https://e/new", fields: [cookie]),
        kind: .document(status: CGIStatus(code: 301, reason: "Moved Permanently"), fields: [html, CGIField(name: "Location", value: "https://e/new"), cookie])
    ),
]

@Suite("CGIResponseHead.kind")
struct ResponseKindTests {
    @Test(arguments: kindCases)
    func classification(_ example: KindCase) {
        #expect(example.head.kind == example.kind)
    }

    @Test func aParsedLocalRedirectIsClassifiedAsOne() {
        var parser = CGIOutputParser()
        guard case .head(let head, let body) = parser.feed(Array("Location: /other?a=b\r\n\r\n".utf8)) else {
            Issue.record("no head")
            return
        }
        #expect(head.kind == .localRedirect("/other?a=b"))
        #expect(body.isEmpty)
    }
}
