import Foundation
import Hearth
import HearthTesting
import Logging
import Testing

@testable import HearthPages

/// The seam sessions plug into: a step before the page puts a value in
/// `request.locals`, a scope provider hands it to the template. And the
/// templates a pages mount serves are the ones a handler renders, with
/// the same scope and the same cache.
@Suite struct ScopeHookTests {
    /// What the earlier step attaches: here a visitor's name, for the lead
    /// a session.
    enum Visitor: RequestLocalKey {
        typealias Value = String
    }

    static let fixup: @Sendable (any HearthHandler) -> any HearthHandler = { handler in
        PhasedHandler(handler).fixup { request in
            request.locals[Visitor.self] = "ada (from \(request.queryString.isEmpty ? "the fixup" : String(request.queryString)))"
            return .ok
        }
    }

    @Test func aScopeProviderSeesWhatAnEarlierStepPutInTheLocals() async throws {
        let site = try await PageSite.start(files: ["who.mustache": "visitor: {{visitor}}; form: {{form.q}}"], builder: { site in
            site.wrapPages(Self.fixup)
            site.addPageScope { request in ["visitor": request.locals[Visitor.self] ?? "nobody"] }
        })
        let plain = try await site.request("GET", "/who")
        let query = try await site.request("GET", "/who?q=<x>")
        try await site.stop()
        #expect(plain.text == "visitor: ada (from the fixup); form: ")
        #expect(query.text == "visitor: ada (from q=&lt;x&gt;); form: &lt;x&gt;")
    }

    @Test func aProviderThatThrowsAHearthErrorAnswersWithItsStatus() async throws {
        let site = try await PageSite.start(files: ["busy.mustache": "never shown"], builder: { site in
            site.addPageScope { _ in throw HearthError.status(.serviceUnavailable, "session lock held too long") }
        })
        let response = try await site.request("GET", "/busy")
        try await site.stop()
        #expect(response.status == 503)
        #expect(!response.text.contains("never shown") && !response.text.contains("session lock"))
        #expect(site.logText.contains("session lock held too long"))
    }

    @Test func aHandlerRendersTheMountsTemplatesWithTheSameScopeAndCache() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("www/guestbook.mustache", "{{site}}: {{#entries}}[{{.}}]{{/entries}}{{^entries}}no entries{{/entries}} for {{request.method}} {{request.path}}")
        var configuration = HearthConfiguration()
        configuration.cgiMounts = []
        configuration.staticMounts = [StaticFilesConfiguration(urlPath: "/", root: dir.path + "/www", pages: true)]
        var builder = SiteBuilder(configuration: configuration)
        let pages = try builder.pages(root: dir.path + "/www")
        builder.addPageScope { _ in ["site": "Hearth"] }  // after pages(root:): still applies to it
        builder.mount("/sign", handler: HandlerFunction { request in
            try await pages.response("guestbook.mustache", for: request, scope: ["entries": ["a<b", "c"]], status: .created)
        })
        let site = try builder.build(logger: TestLog.logger("test"))
        let server = try await LiveServer.start(responder: site)
        let page = try await rawRequest("GET /guestbook HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: server.port)
        let signed = try await rawRequest("POST /sign HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", port: server.port)
        try await server.stop()
        #expect(page.text == "Hearth: no entries for GET /guestbook")
        #expect(signed.status == 201)
        #expect(signed.text == "Hearth: [a&lt;b][c] for POST /sign")
        #expect(signed.header("Cache-Control") == "no-cache")
        #expect(pages.cache.compilations.load(ordering: .relaxed) == 1, "the mount and the handler share one compiled template")
    }
}
