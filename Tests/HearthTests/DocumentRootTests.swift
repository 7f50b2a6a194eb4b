import Foundation
import Hearth
import HearthGateway
import HearthScripts
import HearthStatic
import HearthTesting
import HearthWorkers
import Testing

/// Issue 23, parts 1–3: a `static` item with `scripts:` serves a legacy
/// application's tree as its authors laid it out (DokuWiki, WordPress):
/// scripts run by extension, cold or warm, every other file is sent, and
/// no spelling of a script's URL ever returns its source.
@Suite("Scripts inside a static root", .serialized)
struct DocumentRootTests {
    /// In every script's source and in nothing any script prints.
    static let marker = "SOURCE-MARKER-" + "7f3a91"

    static let appPHP = """
        <?php
        // \(marker): a source line that must never reach a client.
        header('Content-Type: text/plain');
        echo "ran app.php\\n";
        foreach (['SCRIPT_NAME', 'PATH_INFO', 'REQUEST_URI', 'QUERY_STRING', 'REDIRECT_STATUS'] as $name) {
            echo $name . '=' . ($_SERVER[$name] ?? '(unset)') . "\\n";
        }
        echo 'PID=' . getmypid() . "\\n";
        """

    /// The server's variables as php-cgi sees them, one per line.
    static let envPHP = """
        <?php
        // \(marker)
        header('Content-Type: text/plain');
        $names = ['GATEWAY_INTERFACE', 'SERVER_SOFTWARE', 'SERVER_PROTOCOL', 'SERVER_NAME', 'REQUEST_METHOD', 'REQUEST_URI',
            'QUERY_STRING', 'SCRIPT_NAME', 'SCRIPT_FILENAME', 'DOCUMENT_ROOT', 'PATH_INFO', 'PATH_TRANSLATED', 'REMOTE_ADDR',
            'CONTENT_LENGTH', 'CONTENT_TYPE', 'HTTP_HOST', 'HTTP_X_PROBE', 'REDIRECT_STATUS'];
        foreach ($names as $name) { echo $name . '=' . ($_SERVER[$name] ?? '(unset)') . "\\n"; }
        """

    /// Every variable the server set, exactly (no interpreter between).
    static let envCGI = "#!/bin/sh\n# \(marker)\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nenv\n"

    /// A PNG header: libmagic and the extension agree on image/png.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52] + Array(repeating: 7, count: 64)

    enum Temperature: String, CaseIterable, CustomStringConvertible {
        case cold, warm
        var description: String { rawValue }
    }

    /// An application tree: scripts, assets, an index and a symlink.
    static func tree() throws -> TemporaryDirectory {
        let root = try TemporaryDirectory()
        try root.write("app.php", appPHP)
        try root.write("env.php", envPHP)
        try root.write("env.cgi", envCGI, mode: 0o755)
        try root.write("plain.cgi", envCGI, mode: 0o644)
        try root.write("logo.png", png)
        try root.write("style.css", "body { color: #333 }\n")
        try root.write("lib/tpl/main.php", appPHP)
        try root.write("lib/tpl/images/icon.png", png)
        try root.write("wiki/index.php", appPHP)
        try root.write("wiki/index.html", "<p>static index</p>\n")
        try root.write("docs/index.html", "<p>docs index</p>\n")
        try root.write("index.php", appPHP)
        // Names a case-insensitive or Windows file system would open as
        // the script: here they are other files, still never bytes.
        try root.write("Upper.PHP", appPHP)
        try root.write("trail.php.", appPHP)
        try root.write("stream.php::$DATA", appPHP)
        try FileManager.default.createSymbolicLink(atPath: root.path + "/source.txt", withDestinationPath: "app.php")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/alias.php", withDestinationPath: "app.php")
        return root
    }

    /// A site whose `/` is `root` with `.php` cold (php-cgi per request)
    /// or warm (a php-cgi pool named `php`) and `.cgi` as CGI programs.
    static func start(
        _ root: TemporaryDirectory, _ temperature: Temperature, capture: LogCapture = LogCapture(),
        configure: (inout StaticFilesConfiguration) -> Void = { _ in }
    ) async throws -> CGITestSite {
        try await CGITestSite.start(scripts: [:], site: { configuration in
            var files = StaticFilesConfiguration(urlPath: "/", root: root.path)
            files.scripts = ["php": temperature == .cold ? .interpreter("/usr/bin/php-cgi") : .fastCGI("php"), "cgi": .cgi]
            configure(&files)
            configuration.staticMounts = [files]
            configuration.cgiMounts[0].urlPath = "/cgi-bin"
            if temperature == .warm { configuration.fastCGIMounts = [Self.phpPool] }
        }, logger: capture.logger())
    }

    /// One php-cgi worker, named `php` for `scripts:`, at no URL of its own.
    static var phpPool: FastCGIMountConfiguration {
        var pool = WorkerPoolConfiguration(command: ["/usr/bin/php-cgi"])
        pool.environment = [("PATH", "/usr/bin:/bin"), ("PHP_FCGI_MAX_REQUESTS", "0")]
        pool.minProcesses = 1
        pool.maxProcesses = 1
        pool.killGrace = .milliseconds(200)
        var mount = FastCGIMountConfiguration(urlPath: "/unmounted", backend: .pool(pool))
        mount.name = "php"
        mount.isMounted = false
        return mount
    }

    static func variables(_ response: RawResponse) -> [String: String] {
        var variables: [String: String] = [:]
        for line in response.text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            variables[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return variables
    }

    @Test("a png and a css file are sent as files, with their types, validators and ranges")
    func assetsAreFiles() async throws {
        let root = try Self.tree()
        let site = try await Self.start(root, .cold)
        try await site.whileServing { site in
            let logo = try await site.get("/logo.png")
            #expect(logo.status == 200)
            #expect(logo.header("Content-Type") == "image/png")
            #expect(logo.body == Self.png)
            #expect(logo.header("ETag") != nil)
            let css = try await site.get("/style.css", headers: ["Range: bytes=0-3"])
            #expect(css.status == 206)
            #expect(css.header("Content-Type")?.hasPrefix("text/css") == true)
            #expect(css.text == "body")
            let nested = try await site.get("/lib/tpl/images/icon.png")
            #expect(nested.status == 200 && nested.body == Self.png)
        }
    }

    @Test("a .php file runs, cold and warm, beside the files", arguments: Temperature.allCases)
    func scriptRuns(_ temperature: Temperature) async throws {
        let root = try Self.tree()
        let site = try await Self.start(root, temperature)
        try await site.whileServing { site in
            let app = try await site.get("/app.php?x=1")
            #expect(app.status == 200)
            #expect(app.text.contains("ran app.php\nSCRIPT_NAME=/app.php\n"), "\(app.text)")
            #expect(app.text.contains("REDIRECT_STATUS=200"))
            let nested = try await site.get("/lib/tpl/main.php")
            #expect(nested.text.contains("ran app.php\nSCRIPT_NAME=/lib/tpl/main.php\n"), "\(nested.text)")
            // Warm is one php-cgi worker for both; cold, a process each.
            let pids = [Self.variables(app)["PID"], Self.variables(nested)["PID"]]
            #expect(pids[0] != nil && (pids[0] == pids[1]) == (temperature == .warm), "\(pids)")
        }
    }

    /// Spellings of a script's URL; none may show the source. Some run the
    /// script, the rest are refused; what each answers is not the point.
    static let hostileSpellings = [
        "/app.php", "/APP.PHP", "/app.PHP", "/app.Php", "/app.php.", "/app.php..", "/app.php%20", "/app.php%2e", "/app%2ephp",
        "/app.php::$DATA", "/app.php%3A%3A%24DATA", "/app.php:", "/app.php/", "/app.php/x.png", "/app.php/.", "/%61pp.php",
        "//app.php", "/./app.php", "/x/../app.php", "/app.php%00", "/app.php%00.png", "/app.php%2fx", "/app.phps", "/app.php~",
        "/source.txt", "/alias.php", "/Upper.PHP", "/trail.php.", "/trail.php", "/stream.php::$DATA", "/stream.php%3A%3A$DATA",
        "/lib/tpl/main.php", "/lib/tpl/MAIN.PHP", "/lib/tpl/main.php%20", "/lib/tpl/", "/lib/tpl", "/env.cgi", "/plain.cgi",
        "/ENV.CGI", "/plain.cgi.", "/wiki/", "/wiki/index.php", "/wiki/index.php.",
    ]

    @Test("no spelling of a script's URL returns its source, cold or warm", arguments: Temperature.allCases)
    func sourceNeverServed(_ temperature: Temperature) async throws {
        let root = try Self.tree()
        let site = try await Self.start(root, temperature)
        try await site.whileServing { site in
            for spelling in Self.hostileSpellings {
                for method in ["GET", "HEAD"] {
                    for extra in ["", "Range: bytes=0-40\r\n"] {
                        let response = try await site.request("\(method) \(spelling) HTTP/1.1\r\nHost: t\r\n\(extra)Connection: close\r\n\r\n", head: method == "HEAD")
                        #expect(!response.text.contains(Self.marker), "\(method) \(spelling) \(extra): \(response.statusLine)")
                        #expect(!response.text.contains("<?php"), "\(method) \(spelling) \(extra): \(response.statusLine)")
                        #expect(response.header("Content-Type") != "application/x-httpd-php", "\(spelling)")
                    }
                }
            }
            // The plain spellings do run.
            #expect(try await site.get("/app.php").text.hasPrefix("ran app.php"))
            #expect(try await site.get("/alias.php").text.hasPrefix("ran app.php"))
            #expect(try await site.get("/app.php/").text.contains("PATH_INFO=/\n"))
            // A link with another name to a script is neither run nor sent.
            #expect(try await site.get("/source.txt").status == 404)
            // A .cgi file that is not executable is refused, as in cgi-bin.
            #expect(try await site.get("/plain.cgi").status == 403)
        }
    }

    @Test("a script's PATH_INFO is what follows it: doku.php/wiki/start", arguments: Temperature.allCases)
    func pathInfo(_ temperature: Temperature) async throws {
        let root = try Self.tree()
        let site = try await Self.start(root, temperature)
        try await site.whileServing { site in
            let php = Self.variables(try await site.get("/app.php/wiki/start?do=edit"))
            #expect(php["SCRIPT_NAME"] == "/app.php")
            #expect(php["PATH_INFO"] == "/wiki/start")
            #expect(php["QUERY_STRING"] == "do=edit")
            let cgi = Self.variables(try await site.get("/env.cgi/wiki/start%20page/"))
            #expect(cgi["SCRIPT_NAME"] == "/env.cgi")
            #expect(cgi["PATH_INFO"] == "/wiki/start page/")
            #expect(cgi["PATH_TRANSLATED"] == root.path + "/wiki/start page/")
            #expect(cgi["SCRIPT_FILENAME"] == root.path + "/env.cgi")
        }
    }

    /// The same request to the same file in a cgi-bin mount and in a
    /// document root: the same environment but for the ports.
    @Test("a script's environment is a cgi-bin script's: the same file at the same URL")
    func environmentIsCGIBins() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("env.cgi", Self.envCGI, mode: 0o755)
        let request = { (port: Int) in
            try await rawRequest(
                "POST /app/env.cgi/a/b?q=1&r=%20 HTTP/1.1\r\nHost: example.test\r\nX-Probe: yes\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
                port: port)
        }
        let cgiBin = try await CGITestSite.start(scripts: [:], site: { configuration in
            configuration.cgiMounts[0].urlPath = "/app"
            configuration.cgiMounts[0].directory = directory.path
            configuration.staticMounts = [StaticFilesConfiguration(urlPath: "/", root: directory.path)]
        }, logger: LogCapture().logger())
        var expected: [String: String] = [:]
        try await cgiBin.whileServing { expected = Self.variables(try await request($0.port)) }
        let documentRoot = try await CGITestSite.start(scripts: [:], site: { configuration in
            configuration.cgiMounts = []
            var files = StaticFilesConfiguration(urlPath: "/app", root: directory.path)
            files.scripts = ["cgi": .cgi]
            configuration.staticMounts = [files]
        }, logger: LogCapture().logger())
        var found: [String: String] = [:]
        try await documentRoot.whileServing { found = Self.variables(try await request($0.port)) }
        #expect(expected["SCRIPT_NAME"] == "/app/env.cgi" && expected["PATH_INFO"] == "/a/b", "\(expected)")
        // The ports, and the request's id, differ from request to request.
        for name in ["SERVER_PORT", "REMOTE_PORT", "UNIQUE_ID", "HTTP_X_REQUEST_ID"] {
            expected[name] = nil
            found[name] = nil
        }
        #expect(found == expected)
    }

    @Test("php-cgi sees the same variables cold and warm")
    func warmEnvironmentIsCold() async throws {
        let root = try Self.tree()
        var answers: [Temperature: [String: String]] = [:]
        for temperature in Temperature.allCases {
            let site = try await Self.start(root, temperature)
            try await site.whileServing { site in
                let response = try await site.request(
                    "POST /env.php/x/y?a=1 HTTP/1.1\r\nHost: t\r\nX-Probe: p\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
                answers[temperature] = Self.variables(response)
            }
        }
        #expect(answers[.cold]?["SCRIPT_FILENAME"] == root.path + "/env.php")
        #expect(answers[.cold]?["REQUEST_URI"] == "/env.php/x/y?a=1")
        #expect(answers[.cold] == answers[.warm])
    }

    @Test("index_files: a directory runs its index.php, 301 without the slash; an index.html is sent", arguments: Temperature.allCases)
    func indexFiles(_ temperature: Temperature) async throws {
        let root = try Self.tree()
        let site = try await Self.start(root, temperature) { $0.indexFiles = ["index.php", "index.html"] }
        try await site.whileServing { site in
            let wiki = try await site.get("/wiki/?id=start")
            #expect(wiki.status == 200)
            #expect(wiki.text.contains("ran app.php\nSCRIPT_NAME=/wiki/index.php\n"), "\(wiki.text)")
            #expect(Self.variables(wiki)["REQUEST_URI"] == "/wiki/?id=start")
            let bare = try await site.get("/wiki?id=start")
            #expect(bare.status == 301)
            #expect(bare.header("Location") == "/wiki/?id=start")
            let docs = try await site.get("/docs/")
            #expect(docs.status == 200 && docs.text == "<p>docs index</p>\n")
            #expect(try await site.get("/").text.contains("SCRIPT_NAME=/index.php\n"))
        }
    }

    @Test("index_files in the other order sends index.html, never index.php's source")
    func htmlIndexFirst() async throws {
        let root = try Self.tree()
        let site = try await Self.start(root, .cold) { $0.indexFiles = ["index.html", "index.php"] }
        try await site.whileServing { site in
            let index = try await site.get("/wiki/")
            #expect(index.text == "<p>static index</p>\n")
        }
    }

    @Test("fallback: a URL naming nothing runs the front controller with the client's REQUEST_URI and QUERY_STRING", arguments: Temperature.allCases)
    func fallback(_ temperature: Temperature) async throws {
        let root = try Self.tree()
        let capture = LogCapture()
        let site = try await Self.start(root, temperature, capture: capture) { $0.fallback = "/index.php" }
        try await site.whileServing { site in
            let pretty = try await site.get("/wiki/Some_Page/edit?rev=2&x=%20")
            #expect(pretty.status == 200)
            let variables = Self.variables(pretty)
            #expect(variables["SCRIPT_NAME"] == "/index.php")
            #expect(variables["PATH_INFO"] == "(unset)")
            #expect(variables["REQUEST_URI"] == "/wiki/Some_Page/edit?rev=2&x=%20")
            #expect(variables["QUERY_STRING"] == "rev=2&x=%20")
            // A POST to a pretty URL reaches it too.
            let post = try await site.request("POST /save HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx")
            #expect(Self.variables(post)["REQUEST_URI"] == "/save")
            // Below a file that is not a directory, nothing is named either.
            #expect(Self.variables(try await site.get("/logo.png/x"))["SCRIPT_NAME"] == "/index.php")
            // Files are still files; a missing script is 404, not the fallback.
            #expect(try await site.get("/logo.png").body == Self.png)
            let missing = try await site.get("/missing.php")
            #expect(missing.status == 404)
            #expect(!missing.text.contains("ran app.php"))
            #expect(try await site.get("/gone/missing.php/x").status == 404)
            // Dot files stay 404 rather than falling back.
            #expect(try await site.get("/.htaccess").status == 404)
        }
    }

    /// Debian links a packaged application's writable parts out of its
    /// tree (DokuWiki's lib/tpl → /var/lib/dokuwiki/lib/tpl).
    @Test("symlink_roots: a link out of the root is followed into the listed directories only, for files and scripts", arguments: Temperature.allCases)
    func symlinkRoots(_ temperature: Temperature) async throws {
        let root = try Self.tree()
        let outside = try TemporaryDirectory()
        try outside.write("linked/logo.png", Self.png)
        try outside.write("linked/run.php", Self.appPHP)
        try outside.write("elsewhere/logo.png", Self.png)
        try FileManager.default.createSymbolicLink(atPath: root.path + "/linked", withDestinationPath: outside.path + "/linked")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/elsewhere", withDestinationPath: outside.path + "/elsewhere")
        let site = try await Self.start(root, temperature) { $0.symlinkRoots = [outside.path + "/linked"] }
        try await site.whileServing { site in
            #expect(try await site.get("/linked/logo.png").body == Self.png)
            let script = try await site.get("/linked/run.php")
            #expect(script.text.contains("ran app.php\nSCRIPT_NAME=/linked/run.php\n"), "\(script.statusLine) \(script.text)")
            #expect(try await site.get("/elsewhere/logo.png").status == 403)
        }
        let strict = try await Self.start(root, temperature)
        try await strict.whileServing { site in
            let file = try await site.get("/linked/logo.png")
            let script = try await site.get("/linked/run.php")
            #expect(file.status == 403 && script.status == 403, "\(file.statusLine), \(script.statusLine)")
        }
    }

    /// A static item's `cgi:` (its scripts' environment, timeouts,
    /// limits) reaches its cold scripts as a `cgi` item's does.
    @Test("cgi: on a static item sets its cold scripts' environment and timeouts")
    func scriptSettings() async throws {
        let root = try Self.tree()
        try root.write("sleeper.cgi", "#!/bin/sh\nsleep 30\nprintf 'Content-Type: text/plain\\r\\n\\r\\nawake\\n'\n", mode: 0o755)
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: [:], site: { configuration in
            var files = StaticFilesConfiguration(urlPath: "/", root: root.path)
            files.scripts = ["cgi": .cgi]
            configuration.staticMounts = [files]
            configuration.cgiMounts = []
            var settings = CGIMountConfiguration()
            settings.environment = [("PATH", "/usr/bin:/bin"), ("GREETING", "from the static item")]
            settings.ioTimeout = .milliseconds(500)
            settings.killGrace = .milliseconds(100)
            configuration.documentRootScripts["/"] = settings
        }, logger: capture.logger())
        try await site.whileServing { site in
            #expect(Self.variables(try await site.get("/env.cgi"))["GREETING"] == "from the static item")
            let slow = try await site.get("/sleeper.cgi")
            #expect(slow.status == 504, "\(slow.statusLine)")
        }
    }

    /// DokuWiki's `inc/`, `bin/` and `install.php` (nginx's `location ~
    /// /(inc|bin)/ { deny all; }`): refused by whatever name leads there.
    @Test("deny: a denied directory or file is 403 for files and scripts, by any name, cold and warm", arguments: Temperature.allCases)
    func deny(_ temperature: Temperature) async throws {
        let root = try Self.tree()
        try FileManager.default.createSymbolicLink(atPath: root.path + "/shortcut", withDestinationPath: "lib/tpl")
        let capture = LogCapture()
        let site = try await Self.start(root, temperature, capture: capture) { files in
            files.deny = ["/lib/tpl", "/index.php"]
            files.indexFiles = ["index.php"]
        }
        try await site.whileServing { site in
            for path in ["/lib/tpl/main.php", "/lib/tpl/main.php/x", "/lib/tpl/images/icon.png", "/lib/tpl/", "/shortcut/main.php",
                         "/shortcut/images/icon.png", "/lib/%74pl/main.php", "/index.php", "/"] {
                let response = try await site.get(path)
                #expect(response.status == 403, "\(path): \(response.statusLine)")
                #expect(!response.text.contains("ran app.php") && !response.text.contains(Self.marker), "\(path)")
            }
            // Dot segments are refused before any file is looked at.
            #expect(try await site.get("/lib/x/../tpl/main.php").status == 400)
            // What the list does not name is served as before.
            #expect(try await site.get("/app.php").text.hasPrefix("ran app.php"))
            #expect(try await site.get("/logo.png").body == Self.png)
        }
        #expect(capture.records.contains { record in ([record.message] + record.metadata.values).contains { $0.contains("which the mount's deny list names") } })
    }

        @Test("hearth explain says which file of the tree runs, how, and with what PATH_INFO; and which is sent")
    func explain() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("www/doku.php", Self.appPHP)
        try directory.write("www/logo.png", Self.png)
        try directory.write("site.yaml", "cgi: []\nstatic:\n  - root: www\n    scripts: {php: /usr/bin/php-cgi}\n    fallback: /doku.php\n")
        let real = URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path
        let script = try await ExplainTests.explain(["/doku.php/wiki/start?do=edit", "--config", "site.yaml"], in: directory.path)
        #expect(script.status == 0, "\(script.errors)")
        #expect(script.output.contains("runs: interpreter /usr/bin/php-cgi, run once per request (CGI)\nfile: \(real)/www/doku.php\n"), "\(script.output)")
        #expect(script.environment["SCRIPT_NAME"] == "/doku.php" && script.environment["PATH_INFO"] == "/wiki/start")
        #expect(script.environment["REDIRECT_STATUS"] == "200")
        let pretty = try await ExplainTests.explain(["/wiki/start", "--config", "site.yaml"], in: directory.path)
        #expect(pretty.environment["SCRIPT_NAME"] == "/doku.php" && pretty.environment["REQUEST_URI"] == "/wiki/start", "\(pretty.output)")
        let file = try await ExplainTests.explain(["/logo.png", "--config", "site.yaml"], in: directory.path)
        #expect(file.output.contains("runs: static file\nfile: \(real)/www/logo.png\n"), "\(file.output)")
    }

    @Test("the static responder alone never sends a mapped file's bytes, by name or through a link")
    func staticResponderRefusesScripts() async throws {
        let root = try Self.tree()
        // Only the static mount: nothing routes scripts away from it.
        let site = try await CGITestSite.start(scripts: [:], site: { configuration in
            var files = StaticFilesConfiguration(urlPath: "/", root: root.path)
            files.scripts = ["php": .interpreter("/usr/bin/php-cgi")]
            configuration.staticMounts = [files]
        }, builder: { builder in
            var files = StaticFilesConfiguration(urlPath: "/raw", root: root.path)
            files.scripts = ["php": .interpreter("/usr/bin/php-cgi")]
            builder.mount("/raw", StaticFileResponder(configuration: files, logger: LogCapture().logger()))
        }, logger: LogCapture().logger())
        try await site.whileServing { site in
            for path in ["/raw/app.php", "/raw/source.txt", "/raw/Upper.PHP", "/raw/trail.php.", "/raw/stream.php::$DATA", "/raw/lib/tpl/main.php"] {
                let response = try await site.get(path)
                #expect(response.status == 404, "\(path)")
                #expect(!response.text.contains(Self.marker), "\(path)")
            }
            #expect(try await site.get("/raw/logo.png").body == Self.png)
        }
    }
}
