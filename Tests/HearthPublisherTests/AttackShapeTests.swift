import Hearth
import HearthTesting
import Testing

/// mod_python's publisher reached attributes by reflection (CVE-2005-0088:
/// `__dict__`, `_private`, module globals, parent objects). Here the same
/// shapes go through the real server and its decoding to a published
/// object whose type has more than was published: only the published
/// function answers.
@Suite struct AttackShapeTests {
    /// A type with a method that exists but is not published.
    final class Vault: Sendable {
        func open() -> String { "open sesame" }
        func reset() -> String { "RESET DONE" }
    }

    static func start() async throws -> CGITestSite {
        let vault = Vault()
        var object = PublishedObject()
        try object.publish("open", vault.open)
        try object.publish("Key") { "the key" }
        var root = PublishedObject()
        try root.publish("index") { "root" }
        var publisher = Publisher(logger: TestLog.logger())
        try publisher.publish("vault", object)
        try publisher.publish("index", root)
        return try await CGITestSite.start(scripts: [:], builder: { $0.mount("/api", handler: publisher) })
    }

    static let attacks = [
        "/api/vault/_private", "/api/vault/__init__", "/api/vault/__class__", "/api/vault/__dict__", "/api/vault.__dict__",
        "/api/vault/open.__dict__", "/api/vault/open.__globals__", "/api/vault/reset", "/api/vault/..", "/api/vault/../index",
        "/api/vault/%2e%2e", "/api/vault/%2E%2E/index", "/api/vault/%2e%2e/vault/open", "/api/vault%2Fopen", "/api/vault%2fopen",
        "/api/vault/open/", "/api/vault/open/extra", "/api/vault/open%00",
        "/api/vault/open%00.txt", "/api/vault/open.", "/api/vault/open..", "/api/vault/open%20", "/api/vault/open%09",
        "/api/vault/OPEN", "/api/vault/Open", "/api/VAULT/open", "/api/vault/key", "/api/vault/%E2%84%AAey",
        "/api/vault/%EF%BD%8Fpen", "/api/vault/open%C0%AE", "/api/vault/%5Fprivate", "/api/vault/%6Fpen%2F", "/api/vault/open;x",
        "/api/vault/open\\", "/api/vault/%5C..%5Cindex", "/api/./vault/open", "/api/vault/./open",
    ]

    @Test func onlyWhatWasPublishedAnswers() async throws {
        let site = try await Self.start()
        let control = try await site.get("/api/vault/open")
        let key = try await site.get("/api/vault/Key")
        let encoded = try await site.get("/api/vault/%6Fpen")
        // Empty segments merge for every mount (RequestPath, as Apache's
        // MergeSlashes): the same published function, with its own rules.
        let merged = [try await site.get("/api//vault/open"), try await site.get("/api/vault//open")]
        var answers: [(String, RawResponse)] = []
        for path in Self.attacks {
            answers.append((path, try await site.get(path)))
        }
        try await site.stop()
        #expect(control.status == 200 && control.text == "open sesame", "the control request must work, or nothing is tested")
        #expect(key.status == 200 && key.text == "the key")
        #expect(encoded.status == 200 && encoded.text == "open sesame", "an encoded letter is that letter: PATH_INFO is decoded once")
        #expect(merged.allSatisfy { $0.status == 200 && $0.text == "open sesame" })
        for (path, response) in answers {
            #expect([400, 404].contains(response.status), "\(path): \(response.status) \(response.text)")
            #expect(!response.text.contains("sesame") && !response.text.contains("RESET") && !response.text.contains("root"), "\(path)")
        }
    }
}
