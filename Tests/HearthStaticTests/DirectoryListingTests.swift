import Foundation
import Glibc
import Hearth
import HearthTesting
import Testing

/// `list_directories` (docs/configuration.md): a directory without an index
/// file is listed, and the listing shows only what the mount would serve.
@Suite struct DirectoryListingTests {
    /// Runs `body` against a site whose document root holds every kind of
    /// entry a listing must leave out beside the ones it shows. `cgi-bin/`
    /// inside it is the script directory, a forbidden root of the static
    /// mount.
    static func withSite(listing: Bool = true, urlPath: String = "/", _ body: (CGITestSite) async throws -> Void) async throws {
        let root = try TemporaryDirectory(), outside = try TemporaryDirectory()
        for name in ["b.txt", "a dir/inner.txt", "<img src=x onerror=alert(1)>.html", "javascript:alert(1)", "é 100%.txt",
                     ".hidden", ".git/config", "page.mustache", "Page.MUSTACHE", "empty dir/.keep"] {
            try root.write(name, "content of \(name)")
        }
        try root.write("cgi-bin/run", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nran\\n'\n", mode: 0o755)
        let secret = try outside.write("secret.txt", "SECRET OUTSIDE THE ROOT")
        for (link, target) in [("link to b", root.path + "/b.txt"), ("out", secret), ("out dir", outside.path),
                               ("scripts", root.path + "/cgi-bin"), ("template", root.path + "/page.mustache"),
                               ("dangling", root.path + "/missing"), ("to dot", root.path + "/.hidden")] {
            try FileManager.default.createSymbolicLink(atPath: root.path + "/" + link, withDestinationPath: target)
        }
        try #require(mkfifo(root.path + "/fifo", 0o644) == 0)
        let site = try await CGITestSite.start(scripts: [:], mount: { $0.directory = root.path + "/cgi-bin" }, site: {
            $0.staticMounts[0].root = root.path
            $0.staticMounts[0].urlPath = urlPath
            $0.staticMounts[0].listDirectories = listing
        }, logger: LogCapture().logger())
        try await site.whileServing(body)
        withExtendedLifetime((root, outside)) {}
    }

    @Test(arguments: ["/", "/files"])
    func aListingShowsOnlyWhatTheMountServes(mount: String) async throws {
        try await Self.withSite(urlPath: mount) { site in
            let base = mount == "/" ? "/" : mount + "/"
            let response = try await site.get(base)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "text/html; charset=utf-8")
            let links = Self.links(in: response.text)
            #expect(links.map(\.href) == [
                "%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.html", "a%20dir/", "b.txt", "empty%20dir/", "javascript%3Aalert%281%29",
                "link%20to%20b", "%C3%A9%20100%25.txt",
            ], "sorted by name (bytes), directories with a slash, no parent link at the mount's root")
            #expect(links.map(\.text) == [
                "&lt;img src=x onerror=alert(1)&gt;.html", "a dir/", "b.txt", "empty dir/", "javascript:alert(1)", "link to b", "é 100%.txt",
            ])
            #expect(response.text.contains("<title>Index of \(base)</title>"))
            for hidden in ["hidden", ".git", "mustache", "MUSTACHE", "cgi-bin", "scripts", "out", "template", "dangling", "to dot", "fifo", "<img"] {
                #expect(!response.text.contains(hidden), "\(hidden) is listed")
            }
            // Every link leads to something the mount serves.
            for link in links {
                #expect(try await site.get(base + link.href).status == 200, "\(link.href) is listed but not served")
            }
        }
    }

    @Test func aSubdirectoryHasAParentLinkAndHidesItsDotFiles() async throws {
        try await Self.withSite { site in
            let response = try await site.get("/empty%20dir/")
            #expect(response.status == 200)
            #expect(Self.links(in: response.text).map(\.href) == ["../"])
            #expect(response.text.contains("<title>Index of /empty dir/</title>"))
            #expect(!response.text.contains(".keep"))
            #expect(try await site.get("/a%20dir/").text.contains("<a href=\"inner.txt\">inner.txt</a>"))
        }
    }

    /// HEAD has the GET's head and no body; the trailing-slash redirect
    /// still comes first.
    @Test func headAndTheSlashRedirect() async throws {
        try await Self.withSite { site in
            let get = try await site.get("/a%20dir/")
            let head = try await site.request("HEAD /a%20dir/ HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", head: true)
            #expect(head.status == 200)
            #expect(head.header("content-length") == String(get.body.count))
            let redirect = try await site.get("/a%20dir")
            #expect(redirect.status == 301)
            #expect(redirect.header("location") == "/a%20dir/")
        }
    }

    /// Off by default: a directory without an index file is 403, unlisted.
    @Test func withoutTheKeyADirectoryIsForbidden() async throws {
        try await Self.withSite(listing: false) { site in
            let response = try await site.get("/")
            #expect(response.status == 403)
            #expect(!response.text.contains("b.txt"))
        }
    }

    /// `<a href="HREF">TEXT</a>` pairs, in page order.
    static func links(in page: String) -> [(href: String, text: String)] {
        let pattern = try! NSRegularExpression(pattern: #"<a href="([^"]*)">([^<]*)</a>"#)
        let range = NSRange(page.startIndex..., in: page)
        return pattern.matches(in: page, range: range).map { match in
            (String(page[Range(match.range(at: 1), in: page)!]), String(page[Range(match.range(at: 2), in: page)!]))
        }
    }
}
