import Foundation
import HearthTesting
import Testing

/// Issue 23, "Real applications": gitweb, a Perl application whose script
/// and assets share one tree, from Debian's packages and unmodified
/// (/usr/share/gitweb is the document root), served cold and warm by the
/// real `hearth` with docs/legacy-apps.md's configuration. A throwaway
/// repository is its project root, named in its own configuration file,
/// which GITWEB_CONFIG points to: through the static item's `cgi:
/// environment` cold, through the pool's `params` warm.
@Suite("gitweb from Debian's tree, cold and warm", .serialized, .enabled(if: GitwebSite.isInstalled, "needs Debian's git (/usr/share/gitweb) and gitweb"))
struct GitwebTests {
    static let shapes: [GitwebSite.Configuration] = [.cold, .warm]

    @Test("the project list names the repository and its commit page shows the known commit", arguments: shapes)
    func projectsAndCommit(_ shape: GitwebSite.Configuration) async throws {
        let site = try await GitwebSite.start(shape)
        try await site.whileServing { site in
            // Warm, each request must bring GITWEB_CONFIG again (params).
            for _ in 0..<3 {
                let list = try await site.get("/")
                #expect(list.status == 200)
                #expect(list.header("Content-Type") == "text/html; charset=utf-8")
                #expect(list.text.contains(#"href="/?p=\#(GitwebSite.project);a=summary">\#(GitwebSite.project)</a>"#), "\(list.text)")
                #expect(list.text.contains(GitwebSite.projectDescription))
            }
            let commit = try await site.get("/?p=\(GitwebSite.project);a=commit;h=HEAD")
            #expect(commit.status == 200)
            #expect(commit.text.contains(GitwebSite.message), "\(commit.text)")
            #expect(commit.text.contains(site.commit))
            #expect(commit.text.contains(">\(GitwebSite.fileName)</a>"))
            let blob = try await site.get("/?p=\(GitwebSite.project);a=blob_plain;f=\(GitwebSite.fileName);hb=HEAD")
            #expect(blob.status == 200)
            #expect(blob.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(blob.text == GitwebSite.fileText)
        }
        // Each of the five answers came from gitweb as the shape says: cold,
        // one run each; warm, from a pool's worker.
        let runs = site.accessLog.filter { $0.contains("/usr/share/gitweb/index.cgi") }
        #expect(runs.count == 5, "\(site.accessLog)")
        let workers = runs.map { String($0.split(separator: " ").last ?? "") }
        #expect(workers.allSatisfy { shape == .warm ? Int32($0) != nil : $0 == "-" }, "\(runs)")
    }

    @Test("the style sheet, script and logo the page links are sent as files, with their types and exact bytes", arguments: shapes)
    func assetsAreFiles(_ shape: GitwebSite.Configuration) async throws {
        let site = try await GitwebSite.start(shape)
        try await site.whileServing { site in
            let page = try await site.get("/").text
            for (link, type) in [(#"href="static/gitweb.css""#, "text/css"), (#"src="static/git-logo.png""#, "image/png"), (#"src="static/gitweb.js""#, nil)] {
                #expect(page.contains(link), "\(link)")
                let path = link.split(separator: "\"")[1]
                let file = try await site.get("/" + path)
                #expect(file.status == 200, "\(path)")
                #expect(file.body == Array(try Data(contentsOf: URL(fileURLWithPath: GitwebSite.tree + "/" + path))), "\(path)")
                if let type { #expect(file.header("Content-Type")?.hasPrefix(type) == true, "\(path): \(file.header("Content-Type") ?? "none")") }
                #expect(file.header("ETag") != nil)
            }
            let range = try await site.get("/static/gitweb.css", headers: ["Range: bytes=0-3"])
            let css = try Data(contentsOf: URL(fileURLWithPath: GitwebSite.tree + "/static/gitweb.css"))
            #expect(range.status == 206 && range.body == Array(css.prefix(4)))
        }
    }

    /// Lines of gitweb's source that no page of gitweb's ever shows.
    static func sourceLines() throws -> [String] {
        let source = try String(contentsOfFile: GitwebSite.tree + "/gitweb.cgi", encoding: .utf8)
        let lines = ["use CGI qw(", "sub evaluate_gitweb_config {", "$ENV{'GITWEB_CONFIG'}", "#!/usr/bin/perl"]
        for line in lines { try #require(source.contains(line), "gitweb.cgi no longer has \(line)") }
        return lines
    }

    /// Spellings of the script's URL, as DocumentRootTests tries them.
    static let spellings = [
        "/gitweb.cgi", "/index.cgi", "/GITWEB.CGI", "/gitweb.CGI", "/Index.Cgi", "/gitweb.cgi.", "/gitweb.cgi..", "/gitweb.cgi%20",
        "/gitweb.cgi%2e", "/gitweb%2ecgi", "/gitweb.cgi::$DATA", "/gitweb.cgi%3A%3A%24DATA", "/gitweb.cgi:", "/gitweb.cgi/",
        "/gitweb.cgi/x.css", "/gitweb.cgi/hearth-test.git", "/%67itweb.cgi", "//gitweb.cgi", "/./gitweb.cgi", "/static/../gitweb.cgi",
        "/static/%2e%2e/gitweb.cgi", "/gitweb.cgi%00", "/gitweb.cgi%00.png", "/gitweb.cgi%2fx", "/gitweb.cgi~", "/index.cgi.",
        "/static/../index.cgi",
    ]

    @Test("gitweb.cgi's source is never sent, however its URL is spelt", arguments: shapes)
    func sourceNeverServed(_ shape: GitwebSite.Configuration) async throws {
        let lines = try Self.sourceLines()
        let site = try await GitwebSite.start(shape)
        try await site.whileServing { site in
            for spelling in Self.spellings {
                for method in ["GET", "HEAD"] {
                    for extra in ["", "Range: bytes=0-99\r\n"] {
                        let response = try await site.request(
                            "\(method) \(spelling) HTTP/1.1\r\nHost: t\r\n\(extra)Connection: close\r\n\r\n", head: method == "HEAD")
                        for line in lines { #expect(!response.text.contains(line), "\(method) \(spelling) \(extra): \(response.statusLine)") }
                        #expect(response.header("Content-Type")?.contains("perl") != true, "\(spelling)")
                    }
                }
            }
            // The plain names run gitweb (its page, not its text).
            for path in ["/gitweb.cgi", "/index.cgi", "/gitweb.cgi/"] {
                #expect(try await site.get(path).text.contains(#"<meta name="generator" content="gitweb/"#), "\(path)")
            }
        }
    }

    @Test("a .cgi that does not exist is 404 with a log line; the site goes on", arguments: shapes)
    func missingScriptIs404(_ shape: GitwebSite.Configuration) async throws {
        let site = try await GitwebSite.start(shape)
        try await site.whileServing { site in
            for path in ["/nothere.cgi", "/NOTHERE.CGI", "/nothere.cgi/x", "/static/nothere.cgi"] {
                let response = try await site.get(path)
                #expect(response.status == 404, "\(path)")
                #expect(!response.text.contains("gitweb"), "\(path)")
            }
            #expect(try await site.get("/").status == 200)
        }
        #expect(site.hearth.errors.contains("path=/nothere.cgi"), "\(site.hearth.errors)")
        // No script ran for them: no script note, no worker.
        let missing = site.accessLog.filter { $0.lowercased().contains("nothere.cgi") }
        #expect(missing.count == 4 && missing.allSatisfy { $0.hasSuffix(" 404 - -") }, "\(site.accessLog)")
    }

    @Test("a feed's 304 reaches the client without a body, and the connection goes on", arguments: shapes)
    func conditionalFeed(_ shape: GitwebSite.Configuration) async throws {
        let site = try await GitwebSite.start(shape)
        try await site.whileServing { site in
            let feed = "/?p=\(GitwebSite.project);a=rss"
            let first = try await site.get(feed)
            #expect(first.status == 200 && first.text.contains(GitwebSite.message))
            let modified = try #require(first.header("Last-Modified"))
            let connection = try RawConnection(port: site.port)
            try await connection.send("GET \(feed) HTTP/1.1\r\nHost: t\r\nIf-Modified-Since: \(modified)\r\n\r\n")
            let unchanged = try await connection.readResponse()
            #expect(unchanged.status == 304, "\(unchanged.statusLine)")
            #expect(unchanged.header("Content-Length") == nil && unchanged.header("Transfer-Encoding") == nil)
            try await connection.send("GET /static/git-logo.png HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            let next = try await connection.readResponse()
            #expect(next.status == 200 && next.header("Content-Type") == "image/png")
        }
    }

    /// gitweb's FastCGI loop ends its process after each error page; the
    /// next request, sent at once, may reach it as it leaves. A POST there
    /// was a 502 (16 in 20) until such a request went to a fresh worker.
    @Test("warm: gitweb's worker leaves after each error page; the next request, even a POST, reaches a fresh one")
    func workersThatLeaveAreReplaced() async throws {
        let site = try await GitwebSite.start(.warm)
        try await site.whileServing { site in
            // More than crash_limit (5): a crash each would fail the pool.
            for _ in 0..<7 {
                let unknown = try await site.get("/?p=nothere.git;a=summary")
                #expect(unknown.status == 404 && unknown.text.contains("404 - No such project"), "\(unknown.statusLine)")
                let search = try await site.request(
                    "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\nConnection: close\r\n\r\na=project_list")
                #expect(search.status == 200 && search.text.contains(GitwebSite.projectDescription), "\(search.statusLine)")
            }
        }
        #expect(!site.hearth.errors.contains("crash") && !site.hearth.errors.contains("status=502"), "\(site.hearth.errors)")
        let workers = Set(site.accessLog.filter { $0.hasPrefix("/?p=nothere.git") }.compactMap { $0.split(separator: " ").last })
        #expect(workers.count == 7, "\(site.accessLog)")
    }

    @Test("warm: GITWEB_CONFIG in the pool's environment never reaches gitweb; params are needed")
    func environmentIsNotEnoughWarm() async throws {
        let site = try await GitwebSite.start(.warm) { yaml in
            #expect(yaml.contains("    params:\n"))
            return yaml.replacingOccurrences(of: "    params:\n", with: "    environment:\n")
        }
        try await site.whileServing { site in
            let list = try await site.get("/")
            #expect(list.text.contains(#"<meta name="generator" content="gitweb/"#))
            #expect(!list.text.contains(GitwebSite.project), "\(list.text)")
        }
    }

    @Test("Debian's own setup: scripts {cgi: cgi} runs gitweb with /etc/gitweb.conf and sends its files")
    func debianDefault() async throws {
        let site = try await GitwebSite.start(.debianDefault)
        try await site.whileServing { site in
            let list = try await site.get("/")
            #expect(list.text.contains(#"<meta name="generator" content="gitweb/"#))
            #expect(try await site.get("/static/gitweb.css").header("Content-Type")?.hasPrefix("text/css") == true)
            #expect(!(try await site.get("/gitweb.cgi.")).text.contains("use CGI qw("))
        }
        // `/` ran index.cgi cold (lines are written as answers end, in any order).
        #expect(site.accessLog.contains { $0.hasPrefix("/ ") && $0.hasSuffix(" /usr/share/gitweb/index.cgi -") }, "\(site.accessLog)")
    }
}
