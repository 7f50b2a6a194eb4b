import Foundation
import HearthTesting
import Testing

/// Issue 23, "Real applications": Debian's DokuWiki package, its tree
/// unmodified as the document root, through the real `hearth` binary,
/// cold (php-cgi per request) and warm (a php-cgi pool). The wiki is a
/// farm animal of Debian's own multisite setup (its inc/preload.php picks
/// /etc/dokuwiki/farm/HOST.dokuwiki by Host header), so the test has its
/// own configuration, users and pages in a temporary directory and leaves
/// the system's wiki as it found it. Run as root: the documented
/// configuration drops to www-data, the owner of Debian's wiki.
@Suite("DokuWiki from Debian's package, cold and warm", .serialized, .enabled(if: DokuWikiAnimal.installed && getuid() == 0))
struct DokuWikiTests {
    static let tree = DokuWikiAnimal.tree

    enum Temperature: String, CaseIterable, CustomStringConvertible {
        case cold, warm
        var description: String { rawValue }

        /// docs/legacy-apps.md's configuration for this temperature, as
        /// written there (the server drops to www-data, as Debian's Apache
        /// runs the wiki), without the access log and the default cgi-bin.
        var configuration: String {
            get throws {
                let heading = self == .cold ? "## Cold: php-cgi once per request" : "## Warm: a pool of php-cgi workers"
                let page = try String(contentsOfFile: DokuWikiAnimal.repository + "/docs/legacy-apps.md", encoding: .utf8)
                guard let section = page.components(separatedBy: heading).dropFirst().first,
                      let block = section.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first else {
                    throw DokuWikiAnimal.Missing.configuration(heading)
                }
                return block + "access_log: off\ncgi: []\n"
            }
        }
    }

    @Test("the start page, an image, CSS, a .php among the images runs; its source and the wiki's internals are never served", arguments: Temperature.allCases)
    func pagesAndAssets(_ temperature: Temperature) async throws {
        try await Self.withWiki(temperature) { wiki in
            let start = try await wiki.get("/dokuwiki/")
            #expect(start.status == 200)
            #expect(start.text.contains("<title>start [\(DokuWikiAnimal.title)]</title>"), "\(start.statusLine) \(start.text.prefix(300))")
            // The template's logo, behind Debian's lib/tpl → /var/lib link.
            let logo = try await wiki.get("/dokuwiki/lib/tpl/dokuwiki/images/logo.png")
            #expect(logo.status == 200 && logo.header("Content-Type") == "image/png")
            #expect(logo.body == Array(try Data(contentsOf: URL(fileURLWithPath: Self.tree + "/lib/tpl/dokuwiki/images/logo.png"))))
            let css = try await wiki.get("/dokuwiki/lib/styles/screen.css")
            #expect(css.status == 200 && css.header("Content-Type")?.hasPrefix("text/css") == true)
            // The style sheet DokuWiki builds, by a script in lib/exe.
            let built = try await wiki.get("/dokuwiki/lib/exe/css.php?t=dokuwiki")
            #expect(built.status == 200 && built.header("Content-Type")?.hasPrefix("text/css") == true)
            #expect(built.text.contains("a.interwiki"))
            // A .php file in an image folder runs (it refuses the web) …
            let tool = try await wiki.get("/dokuwiki/lib/tpl/dokuwiki/images/pagetools-build.php")
            #expect(tool.status == 200 && tool.text == "please run from commandline", "\(tool.statusLine) \(tool.text)")
            // … and no file of the application is ever shown as source.
            for path in ["/dokuwiki/lib/tpl/dokuwiki/main.php", "/dokuwiki/lib/tpl/dokuwiki/main.php.", "/dokuwiki/lib/tpl/dokuwiki/MAIN.PHP",
                         "/dokuwiki/doku.php/x", "/dokuwiki/lib/tpl/dokuwiki/images/pagetools-build.php%20", "/dokuwiki/inc/init.php",
                         "/dokuwiki/bin/dwpage.php", "/dokuwiki/install.php", "/dokuwiki/vendor/autoload.php", "/dokuwiki/inc/preload.php"] {
                let response = try await wiki.get(path)
                #expect(!response.text.contains("<?php") && !response.text.contains("$conf["), "\(path): \(response.statusLine)")
            }
            // The installer, the command-line tools and the libraries: 403.
            for path in ["/dokuwiki/install.php", "/dokuwiki/bin/dwpage.php?x", "/dokuwiki/inc/", "/dokuwiki/vendor/autoload.php"] {
                #expect(try await wiki.get(path).status == 403, "\(path)")
            }
        }
    }

    @Test("log in and save a page with DokuWiki's sectok form token; a forged token saves nothing", arguments: Temperature.allCases)
    func loginAndSave(_ temperature: Temperature) async throws {
        try await Self.withWiki(temperature) { wiki in
            // The session cookie comes with the first page, as in a browser.
            _ = try await wiki.get("/dokuwiki/doku.php?id=start&do=login")
            let login = try await wiki.post(
                "/dokuwiki/doku.php?id=start", ["sectok": "", "id": "start", "do": "login", "u": DokuWikiAnimal.user, "p": DokuWikiAnimal.password])
            #expect(login.status == 302, "\(login.statusLine) \(login.text.prefix(300))")
            let editor = try await wiki.get("/dokuwiki/doku.php?id=hearth:saved&do=edit")
            #expect(editor.text.contains("Logged in as: <bdi>\(DokuWikiAnimal.fullName)"))
            var form = DokuWikiForm.hiddenFields(of: editor.text, form: "dw__editform")
            #expect(form["sectok"]?.count == 32, "\(form)")
            form["wikitext"] = "Saved through Hearth, \(temperature): **bold**"
            form["summary"] = "a test"
            form["do[save]"] = "Save"
            let save = try await wiki.post("/dokuwiki/doku.php?id=hearth:saved", form)
            #expect(save.status == 302, "\(save.statusLine) \(save.text.prefix(300))")
            #expect(wiki.animal.page("hearth/saved") == "Saved through Hearth, \(temperature): **bold**")
            // Written by php-cgi running as the user the server dropped to.
            #expect(wiki.animal.owner(ofPage: "hearth/saved") == DokuWikiAnimal.owner)
            let page = try await wiki.get("/dokuwiki/doku.php?id=hearth:saved")
            #expect(page.text.contains("Saved through Hearth, \(temperature): <strong>bold</strong>"))
            // The same save with another token is refused by DokuWiki.
            form["sectok"] = String(repeating: "0", count: 32)
            form["wikitext"] = "forged"
            let forged = try await wiki.post("/dokuwiki/doku.php?id=hearth:saved", form)
            #expect(forged.text.contains("Security Token did not match"))
            #expect(wiki.animal.page("hearth/saved") == "Saved through Hearth, \(temperature): **bold**")
        }
    }

    /// A farm animal of its own and the real server on it, for `body`;
    /// both are gone afterwards, whatever `body` did.
    static func withWiki(_ temperature: Temperature, _ body: (DokuWikiBrowser) async throws -> Void) async throws {
        let animal = try DokuWikiAnimal()
        defer { animal.remove() }
        try animal.directory.write("hearth.yaml", Array(try temperature.configuration.utf8))
        let hearth = try await HearthProcess.start(["--config", "hearth.yaml"], workingDirectory: animal.directory.path)
        let browser = DokuWikiBrowser(animal: animal, port: hearth.port)
        // PHP keeps its sessions in /var/lib/php/sessions: the test's go.
        defer { browser.removeSessions() }
        let status = try await hearth.stopping { try await body(browser) }
        #expect(status == 0, "\(hearth.errors)")
    }
}

/// One wiki of Debian's DokuWiki farm: /etc/dokuwiki/farm/HOST.dokuwiki
/// (the directory Debian's inc/preload.php looks for when the wiki is at
/// /dokuwiki and the Host header is HOST) with the wiki's settings, its
/// one user and its ACL; the pages in a temporary directory.
final class DokuWikiAnimal: Sendable {
    static let tree = "/usr/share/dokuwiki"
    static let farm = "/etc/dokuwiki/farm"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    /// The wiki's user in Debian's package, whom the server runs as.
    static let owner = "www-data"

    enum Missing: Error {
        case configuration(String)
    }

    /// Debian's package and php-cgi; `.ci/run` installs both.
    static var installed: Bool {
        FileManager.default.fileExists(atPath: tree + "/doku.php") && FileManager.default.isExecutableFile(atPath: "/usr/bin/php-cgi")
    }
    static let title = "Hearth Test Wiki"
    static let user = "hearth"
    static let password = "correct horse"
    static let fullName = "Hearth Tester"
    /// `openssl passwd -1 -salt hearthsa 'correct horse'`: DokuWiki reads
    /// an MD5-crypt hash in users.auth.php.
    static let passwordHash = "$1$hearthsa$itUUn7jo5ZlIMlHKxm9/C/"

    let host: String
    let directory: TemporaryDirectory
    let configuration: String
    private let madeFarm: Bool

    init() throws {
        host = "hearth-wiki-\(UInt32.random(in: 0...UInt32.max))"
        directory = try TemporaryDirectory()
        configuration = Self.farm + "/\(host).dokuwiki"
        madeFarm = !FileManager.default.fileExists(atPath: Self.farm)
        for name in ["pages", "attic", "media", "media_attic", "media_meta", "meta", "cache", "index", "locks", "tmp", "log"] {
            try FileManager.default.createDirectory(atPath: directory.path + "/data/" + name, withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(atPath: configuration, withIntermediateDirectories: true)
        try write("local.php", """
            <?php
            $conf['title'] = '\(Self.title)';
            $conf['savedir'] = '\(directory.path)/data';
            $conf['useacl'] = 1;
            $conf['authtype'] = 'authplain';
            $conf['superuser'] = '@admin';

            """)
        try write("acl.auth.php", "* @ALL 1\n* @user 8\n")
        try write("users.auth.php", "\(Self.user):\(Self.passwordHash):\(Self.fullName):hearth@example.org:admin,user\n")
        // The wiki writes its pages as the server's user.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        try chown(directory.path + "/data", recursively: true)
    }

    private func chown(_ path: String, recursively: Bool) throws {
        try FileManager.default.setAttributes([.ownerAccountName: Self.owner, .groupOwnerAccountName: Self.owner], ofItemAtPath: path)
        guard recursively else { return }
        for name in try FileManager.default.contentsOfDirectory(atPath: path) { try chown(path + "/" + name, recursively: false) }
    }

    private func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: configuration + "/" + name))
    }

    /// A page's wiki text as DokuWiki stored it (`hearth/saved`).
    func page(_ name: String) -> String? {
        try? String(contentsOfFile: directory.path + "/data/pages/\(name).txt", encoding: .utf8)
    }

    func owner(ofPage name: String) -> String? {
        try? FileManager.default.attributesOfItem(atPath: directory.path + "/data/pages/\(name).txt")[.ownerAccountName] as? String
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: configuration)
        if madeFarm { try? FileManager.default.removeItem(atPath: Self.farm) }
    }
}

/// A client that keeps cookies, as a browser does, and names the animal
/// in every request's Host header.
final class DokuWikiBrowser: @unchecked Sendable {
    let animal: DokuWikiAnimal
    let port: Int
    private var cookies: [String: String] = [:]
    /// Every PHP session DokuWiki started for this client.
    private var sessions: Set<String> = []

    init(animal: DokuWikiAnimal, port: Int) {
        self.animal = animal
        self.port = port
    }

    func get(_ target: String) async throws -> RawResponse {
        try await exchange("GET \(target) HTTP/1.1\r\n\(head())\r\n")
    }

    func post(_ target: String, _ form: [String: String]) async throws -> RawResponse {
        let body = form.sorted { $0.key < $1.key }.map { DokuWikiForm.encode($0.key) + "=" + DokuWikiForm.encode($0.value) }.joined(separator: "&")
        let fields = "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n"
        return try await exchange("POST \(target) HTTP/1.1\r\n\(head())\(fields)\r\n\(body)")
    }

    private func head() -> String {
        let cookie = cookies.isEmpty ? "" : "Cookie: " + cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n"
        return "Host: \(animal.host)\r\nConnection: close\r\n" + cookie
    }

    private func exchange(_ request: String) async throws -> RawResponse {
        let response = try await rawRequest(request, port: port)
        for (name, value) in response.headers where name.lowercased() == "set-cookie" {
            let pair = value.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            cookies[pair[0]] = pair[1] == "deleted" ? nil : pair[1]
            if pair[0] == "DokuWiki" { sessions.insert(pair[1]) }
        }
        return response
    }

    func removeSessions() {
        for id in sessions where id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "," }) {
            try? FileManager.default.removeItem(atPath: "/var/lib/php/sessions/sess_" + id)
        }
    }
}

/// The little of HTML forms the test needs.
enum DokuWikiForm {
    /// The hidden inputs of the form with id `form`, by name.
    static func hiddenFields(of html: String, form: String) -> [String: String] {
        guard let start = html.range(of: "id=\"\(form)\""), let end = html.range(of: "</form>", range: start.upperBound..<html.endIndex) else { return [:] }
        var fields: [String: String] = [:]
        let pattern = /<input type="hidden" name="([^"]*)" value="([^"]*)"/
        for match in html[start.upperBound..<end.lowerBound].matches(of: pattern) {
            fields[String(match.1)] = String(match.2)
        }
        return fields
    }

    /// application/x-www-form-urlencoded: all but unreserved characters
    /// percent-encoded.
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
