import Foundation
import HearthTesting
import Testing

/// SECURITY.md: path traversal, symlinks, dot files, script directories.
/// Each refusal is checked by status and by the secret never appearing.
@Suite struct StaticSecurityTests {
    static let secret = "TOP-SECRET-OUTSIDE-ROOT"

    /// The secret lies beside the root (`www/`), one level up.
    @Test(arguments: [
        ("/../secret.txt", 400),
        ("/%2e%2e/secret.txt", 400),
        ("/%2E%2E/secret.txt", 400),
        ("/sub/%2e%2e/%2e%2e/secret.txt", 400),
        ("/..%2fsecret.txt", 404),
        ("/sub/..%2f..%2fsecret.txt", 404),
        ("/%252e%252e/secret.txt", 404),
        ("/../../../../../../etc/passwd", 400),
    ])
    func traversalNeverLeavesTheRoot(target: String, status: Int) async throws {
        let site = try await StaticSite.start()
        try site.dir.write("secret.txt", Self.secret)
        try site.write("sub/file.txt", "inside")
        let response = try await site.request(target)
        #expect(response.status == status)
        #expect(!response.text.contains(Self.secret))
        #expect(!response.text.contains("root:"))
        try await site.stop()
    }

    @Test func encodedSlashDoesNotSeparateSegments() async throws {
        let site = try await StaticSite.start()
        try site.write("a/b", "B-CONTENT")
        #expect(try await site.request("/a/b").text == "B-CONTENT")
        let response = try await site.request("/a%2fb")
        #expect(response.status == 404)
        #expect(!response.text.contains("B-CONTENT"))
        try await site.stop()
    }

    @Test func nulInAPathIsABadRequest() async throws {
        let site = try await StaticSite.start()
        try site.write("a.txt", "A-CONTENT")
        let response = try await site.request("/a.txt%00.html")
        #expect(response.status == 400)
        #expect(!response.text.contains("A-CONTENT"))
        try await site.stop()
    }

    @Test func symlinkOutOfTheRootIsForbidden() async throws {
        let site = try await StaticSite.start()
        let outside = try site.dir.write("secret.txt", Self.secret)
        try site.link("out.txt", to: outside)
        try site.link("up", to: site.dir.path)
        try site.link("in.txt", to: try site.write("real.txt", "inside"))
        #expect(try await site.request("/in.txt").text == "inside")
        for target in ["/out.txt", "/up/secret.txt"] {
            let response = try await site.request(target)
            #expect(response.status == 403, "\(target)")
            #expect(!response.text.contains(Self.secret))
        }
        try await site.stop()
    }

    @Test(arguments: ["/.htpasswd", "/.git/config", "/%2ehtpasswd", "/pw.txt"])
    func dotFilesAreNotFound(target: String) async throws {
        let site = try await StaticSite.start()
        try site.write(".htpasswd", "admin:SECRET-HASH")
        try site.write(".git/config", "SECRET-HASH")
        // A symlink whose own name is innocent, leading to a dot file.
        try site.link("pw.txt", to: site.root + "/.htpasswd")
        let response = try await site.request(target)
        #expect(response.status == 404)
        #expect(!response.text.contains("SECRET-HASH"))
        try await site.stop()
    }

    /// SECURITY.md, handler confusion: a script's bytes are never served,
    /// by its own path, by its directory, or through a symlink.
    @Test(arguments: ["/cgi-bin/run.sh", "/cgi-bin/", "/cgi-bin/index.html", "/alias.txt"])
    func filesInAForbiddenRootAreNeverServed(target: String) async throws {
        let site = try await StaticSite.start(forbidden: ["cgi-bin"])
        let script = try site.write("cgi-bin/run.sh", "#!/bin/sh\necho SCRIPT-SOURCE\n")
        try site.write("cgi-bin/index.html", "SCRIPT-SOURCE index")
        try site.link("alias.txt", to: script)
        let response = try await site.request(target)
        #expect(response.status == 403)
        #expect(!response.text.contains("SCRIPT-SOURCE"))
        try await site.stop()
    }

    /// SECURITY.md, source disclosure: a server page's template is never
    /// served as a file, with pages on or off, whatever the spelling, a
    /// symlink to it, or a directory index naming it.
    @Test(arguments: [
        "/page.mustache", "/page.MUSTACHE", "/page%2eMustache", "/Upper.MUSTACHE", "/page.mustache.", "/page.mustache/",
        "/link.html", "/dir/",
    ])
    func templateSourcesAreNeverServed(target: String) async throws {
        let site = try await StaticSite.start()
        let page = try site.write("page.mustache", "TEMPLATE-SOURCE {{x}}")
        try site.write("Upper.MUSTACHE", "TEMPLATE-SOURCE")
        try site.write("dir/index.mustache", "TEMPLATE-SOURCE")
        try site.link("link.html", to: page)
        for method in ["GET", "HEAD"] {
            let response = try await site.request(target, method: method, "Range: bytes=0-9")
            #expect(response.status == 404 || response.status == 403, "\(method) \(target)")
            #expect(!response.text.contains("TEMPLATE-SOURCE"))
        }
        try await site.stop()
    }
}
