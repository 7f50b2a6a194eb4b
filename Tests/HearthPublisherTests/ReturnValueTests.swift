import Foundation
import HTTPTypes
import HearthWeb
import Testing

@testable import HearthPublisher

/// Return values to responses: String as mod_python decides (HTML or
/// plain), Encodable as JSON, a HearthResponse as is, errors mapped.
@Suite struct ReturnValueTests {
    /// mod_python 3.5's rule: `</HTML\s*>\s*$`, case-insensitive, searched
    /// from 100 characters before the end.
    @Test("text is HTML exactly when mod_python's publisher would call it HTML", arguments: [
        ("<html><body>hi</body></html>", true), ("<p>x</p>\n</HTML >\n\t ", true), ("</html>", true), ("</Html>", true),
        ("<html>hello", false), ("<b>bold</b>", false), ("</html> trailing", false), ("plain", false), ("", false),
        ("</htm>", false), ("</xhtml>", false), ("< /html>", false), (String(repeating: "x", count: 500) + "</html>", true),
        (String(repeating: "x", count: 500) + "</html>" + String(repeating: " ", count: 92), true),
        (String(repeating: "x", count: 500) + "</html>" + String(repeating: " ", count: 94), false),
        ("</html>é", false), ("é</html>", true),
    ])
    func htmlGuess(text: String, isHTML: Bool) {
        #expect(PublishedResult.looksLikeHTML(text) == isHTML)
    }

    struct Point: Codable, Equatable, Sendable {
        var y: Int
        var x: Int
        var at: Date
    }

    static func returning() throws -> Publisher {
        try publisher {
            try $0.publish("html") { "<html><p>hello</p></html>\n" }
            try $0.publish("plain") { "1 < 2" }
            try $0.publish("json") { Point(y: 2, x: 1, at: Date(timeIntervalSince1970: 0)) }
            try $0.publish("list") { [1, 2, 3] }
            try $0.publish("response") { HearthResponse(status: .created, headerFields: [.location: "/api/o/1"]) }
            try $0.publish("async") { () async throws -> String in
                try await Task.sleep(for: .milliseconds(1))
                return "awaited"
            }
            try $0.publish("gone") { () throws -> String in throw HearthError.status(.gone, "removed in v2") }
            try $0.publish("crash") { () throws -> String in throw CocoaError(.fileNoSuchFile) }
            try $0.publish("whoami") { (request: HearthRequest) in "\(request.method.rawValue) \(request.scriptName) \(request.pathInfo)" }
            try $0.publish("both") { (arguments: Named, request: HearthRequest) in ["name": arguments.name, "remote": request.remoteAddress] }
        }
    }

    struct Named: Decodable, Sendable { var name: String }

    @Test func stringsAreHTMLOrPlainTextInUTF8() async throws {
        let html = try await Self.returning().handle(publisherRequest("/api/o/html"))
        #expect(html.contentType == "text/html; charset=utf-8" && html.text == "<html><p>hello</p></html>\n")
        let plain = try await Self.returning().handle(publisherRequest("/api/o/plain"))
        #expect(plain.contentType == "text/plain; charset=utf-8" && plain.text == "1 < 2")
    }

    @Test func encodableValuesAreJSONWithSortedKeys() async throws {
        let point = try await Self.returning().handle(publisherRequest("/api/o/json"))
        #expect(point.contentType == "application/json")
        #expect(point.text == #"{"at":"1970-01-01T00:00:00Z","x":1,"y":2}"# + "\n")
        let list = try await Self.returning().handle(publisherRequest("/api/o/list"))
        #expect(list.text == "[1,2,3]\n")
    }

    @Test func aResponseIsSentAsIs() async throws {
        let response = try await Self.returning().handle(publisherRequest("/api/o/response"))
        #expect(response.status == .created && response.headerFields[.location] == "/api/o/1")
    }

    @Test func asyncFunctionsAreAwaitedAndTheirErrorsGoToTheAdapter() async throws {
        #expect(try await Self.returning().handle(publisherRequest("/api/o/async")).text == "awaited")
        await #expect(throws: HearthError.status(.gone, "removed in v2")) {
            try await Self.returning().handle(publisherRequest("/api/o/gone"))
        }
        await #expect(throws: CocoaError.self) { try await Self.returning().handle(publisherRequest("/api/o/crash")) }
        let mapped = ErrorMapping.response(for: HearthError.status(.gone, "removed in v2")).response
        #expect(mapped.status == .gone, "the adapter maps what the publisher lets through")
    }

    @Test func aFunctionMayAskForTheRequest() async throws {
        let who = try await Self.returning().handle(publisherRequest("/api/o/whoami"))
        #expect(who.text == "GET /api /o/whoami")
        let both = try await Self.returning().handle(publisherRequest("/api/o/both?name=Ada"))
        #expect(both.text == #"{"name":"Ada","remote":"192.0.2.7"}"# + "\n")
    }
}

/// Each function declares its methods: GET (and HEAD) by default, POST
/// opt-in; anything else is 405 with `Allow`.
@Suite struct MethodTests {
    static func methods() throws -> Publisher {
        try publisher {
            try $0.publish("read") { "read" }
            try $0.publish("write", methods: [.post]) { "written" }
            try $0.publish("either", methods: [.get, .post]) { "either" }
            try $0.publish("put", methods: [.put, .delete]) { "put" }
        }
    }

    @Test("allowed and refused methods", arguments: [
        ("read", HTTPRequest.Method.get, 200, nil), ("read", .head, 200, nil), ("read", .post, 405, "GET, HEAD"),
        ("read", .delete, 405, "GET, HEAD"), ("write", .post, 200, nil), ("write", .get, 405, "POST"), ("write", .head, 405, "POST"),
        ("either", .post, 200, nil), ("either", .head, 200, nil), ("either", .options, 405, "GET, HEAD, POST"),
        ("put", .put, 200, nil), ("put", .get, 405, "PUT, DELETE"),
    ] as [(String, HTTPRequest.Method, Int, String?)])
    func methodRules(function: String, method: HTTPRequest.Method, status: Int, allow: String?) async throws {
        let response = try await Self.methods().handle(publisherRequest(method, "/api/o/\(function)"))
        #expect(response.status.code == status)
        #expect(response.headerFields[.allow] == allow)
    }
}
