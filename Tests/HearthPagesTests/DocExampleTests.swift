import Foundation
import HTTPTypes
import Hearth
import HearthTesting
import Logging
import Testing

// The Swift code of docs/pages.md, verbatim: `docsShowTheseSnippetsVerbatim`
// fails if the two drift apart. Change both together.

// docs: guestbook
func guestbookSite(root: String = "public") throws -> SiteBuilder {
    var site = SiteBuilder()  // ./cgi-bin at /cgi-bin, and / with pages on:
    site.configuration.staticMounts[0].root = root
    let pages = try site.pages(root: root)
    site.mount("/sign", handler: HandlerFunction { request in
        let form = try await request.form()
        let entries = [form["name"] ?? "anonymous"]
        // The standard scope (request, form, cookies, providers), then these values:
        return try await pages.response("guestbook.mustache", for: request, form: form, scope: ["entries": entries])
    })
    return site
}
// docs: visitor
enum Visitor: RequestLocalKey { typealias Value = String }

func addVisitor(to site: inout SiteBuilder) {
    site.wrapPages { handler in
        PhasedHandler(handler).fixup { request in
            request.locals[Visitor.self] = request.cookies["visitor"] ?? "guest"
            return .ok
        }
    }
    site.addPageScope { request in
        ["visitor": request.locals[Visitor.self] ?? "nobody", "site": "Hearth"]
    }
}
// docs: end

@Suite("docs/pages.md examples")
struct DocExampleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func docs() throws -> String {
        try String(contentsOf: repository.appendingPathComponent("docs/pages.md"), encoding: .utf8)
    }

    /// The fenced blocks of one language, in order.
    static func blocks(_ language: String) throws -> [String] {
        try docs().components(separatedBy: "```\(language)\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func docsShowTheseSnippetsVerbatim() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let snippets = source.components(separatedBy: "\n// docs: ").dropFirst().dropLast().map { chunk in
            chunk.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? ""
        }
        let swift = try Self.blocks("swift")
        #expect(snippets.count == 2)
        for snippet in snippets {
            #expect(swift.contains(snippet + "\n"), "not a swift block of docs/pages.md:\n\(snippet)")
        }
    }

    @Test func theScopeExampleRendersAsShown() async throws {
        let root = try PageRoot()
        try root.write("hello.mustache", try Self.blocks("mustache")[0])
        let request = pageRequest(
            .post, "/hello?name=Ada", fields: [.contentType: "application/x-www-form-urlencoded", .cookie: "theme=dark"],
            body: "topic=pages&topic=<b>", variables: [("REMOTE_ADDR", "127.0.0.1")]
        )
        let response = try await root.pages.response("hello.mustache", for: request)
        #expect(text(of: response) == (try Self.blocks("html")[0]))
    }

    @Test func theLayoutExampleRenders() async throws {
        let root = try PageRoot()
        let mustache = try Self.blocks("mustache")
        try root.write("_partials/layout.mustache", mustache[1])
        try root.write("about.mustache", mustache[2])
        let request = pageRequest(.get, "/about?name=Ada", variables: [("SERVER_SOFTWARE", "Hearth/0.1")])
        let page = try #require(text(of: try await root.pages.response("about.mustache", for: request)))
        #expect(page.contains("<title>About us</title>"))
        #expect(page.contains("<p>Hello, Ada.</p>"))
        #expect(page.contains("<footer>Hearth/0.1</footer>"))
        #expect(!page.contains("{{"))
    }

    @Test func theCacheControlExampleSetsTheField() async throws {
        let root = try PageRoot()
        try root.write("about.mustache", try Self.blocks("mustache")[3])
        let response = try await root.pages.response("about.mustache", for: pageRequest(.get, "/about"))
        #expect(response.headerFields[.cacheControl] == "public, max-age=600")
        #expect(text(of: response) == "<h1>About us</h1>\n")
    }

    @Test func theConfigurationExampleParses() throws {
        let yaml = try Self.blocks("yaml")[0]
        let configuration = try ConfigurationFile.parse(yaml: yaml, file: "pages.yaml", baseDirectory: "/srv")
        #expect(configuration.staticMounts.map(\.pages) == [true])
        #expect(configuration.staticMounts.map(\.root) == ["/srv/public"])
    }

    @Test func theGuestbookHandlerAndTheVisitorStepServeOneSite() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("www/guestbook.mustache", "{{site}} {{visitor}}: {{#entries}}<{{.}}>{{/entries}}{{^entries}}empty{{/entries}}")
        var site = try guestbookSite(root: dir.path + "/www")
        site.configuration.cgiMounts = []
        addVisitor(to: &site)
        let built = try site.build(logger: TestLog.logger("docs"))
        let server = try await LiveServer.start(responder: built)
        let page = try await rawRequest("GET /guestbook HTTP/1.1\r\nHost: t\r\nCookie: visitor=ada\r\nConnection: close\r\n\r\n", port: server.port)
        let signed = try await rawRequest(
            "POST /sign HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\nConnection: close\r\n\r\nname=Bob",
            port: server.port
        )
        try await server.stop()
        #expect(page.text == "Hearth ada: empty")
        // The handler is not wrapped in the pages' step, so its locals are empty.
        #expect(signed.text == "Hearth nobody: <Bob>")
    }
}
