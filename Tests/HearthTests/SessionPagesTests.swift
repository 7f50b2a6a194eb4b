import Foundation
import Hearth
import HearthTesting
import Testing

/// With `sessions:` configured, server pages run inside the site's
/// sessions and see the session in their scope, as mod_python's PSP did:
/// a hot handler writes a value, a template reads it.
@Suite struct SessionPagesTests {
    static let counter = HandlerFunction { request in
        let session = try request.session
        let visits = (try session.value("visits", as: Int.self) ?? 0) + 1
        try session.set("visits", to: visits)
        try session.set("basket", to: ["tea", "bread"])
        return .text("visits \(visits)\n")
    }

    static let template = """
        {{#session}}visits {{visits}}; basket:{{#basket}} {{.}}{{/basket}}; new {{isNew}}{{/session}}\
        {{^session}}no session{{/session}}
        """

    @Test func aPageReadsTheSessionAHandlerWrote() async throws {
        let site = try await CGITestSite.start(
            scripts: [:],
            site: {
                $0.sessions = SessionConfiguration()
                $0.staticMounts[0].pages = true
            },
            builder: { $0.mount("/count", handler: Self.counter, sessions: true) }
        )
        try Data(Self.template.utf8).write(to: URL(fileURLWithPath: site.documentRoot + "/status.mustache"))
        let anonymous = try await site.get("/status")
        let first = try await site.get("/count")
        let cookie = try #require(first.header("set-cookie")?.split(separator: ";").first.map(String.init))
        let second = try await site.get("/count", headers: ["Cookie: \(cookie)"])
        let page = try await site.get("/status", headers: ["Cookie: \(cookie)"])
        try await site.stop()
        #expect(anonymous.status == 200)
        // A first visit has a new, empty session (stored only once it holds a value).
        #expect(anonymous.text.hasPrefix("visits ; basket:; new true"), "\(anonymous.text)")
        #expect(anonymous.header("set-cookie") == nil, "an empty session sets no cookie")
        #expect(second.text == "visits 2\n")
        #expect(page.status == 200)
        #expect(page.text.contains("visits 2; basket: tea bread; new false"), "\(page.text)")
        #expect(page.header("set-cookie") == nil, "reading a session does not reissue its cookie")
    }
}
