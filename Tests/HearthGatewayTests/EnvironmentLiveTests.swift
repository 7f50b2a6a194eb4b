import Foundation
import HearthTesting
import Testing

/// RFC 3875 §4.1 as a real script sees it, through the real server.
@Suite struct EnvironmentLiveTests {
    @Test func getRequestMetaVariables() async throws {
        let site = try await CGITestSite.start(scripts: ["printenv": Probe.printenv])
        let response = try await site.get("/cgi-bin/printenv/extra%20path/x?a=1&b=%20")
        let env = RawResponseEnvironment.parse(response.text)
        #expect(response.status == 200)
        #expect(env["GATEWAY_INTERFACE"] == "CGI/1.1")  // §4.1.4
        #expect(env["SCRIPT_NAME"] == "/cgi-bin/printenv")  // §4.1.13
        #expect(env["PATH_INFO"] == "/extra path/x")  // §4.1.5: decoded
        #expect(env["PATH_TRANSLATED"] == site.documentRoot + "/extra path/x")  // §4.1.6
        #expect(env["QUERY_STRING"] == "a=1&b=%20")  // §4.1.7: undecoded
        #expect(env["REQUEST_METHOD"] == "GET")  // §4.1.12
        #expect(env["REMOTE_ADDR"] == "127.0.0.1")  // §4.1.8
        #expect(env["REMOTE_PORT"].flatMap(Int.init) != nil)
        #expect(env["SERVER_PORT"] == String(site.port))  // §4.1.15
        #expect(env["SERVER_NAME"] == "test")  // §4.1.14: from Host
        #expect(env["SERVER_PROTOCOL"] == "HTTP/1.1")  // §4.1.16
        #expect(env["SERVER_SOFTWARE"] == "Hearth/0.1")  // §4.1.17
        #expect(env["SCRIPT_FILENAME"] == site.scriptDirectory + "/printenv")
        #expect(env["DOCUMENT_ROOT"] == site.documentRoot)
        #expect(env["REQUEST_URI"] == "/cgi-bin/printenv/extra%20path/x?a=1&b=%20")
        #expect(env["CONTENT_LENGTH"] == nil)  // §4.1.2: no body
        #expect(env["HTTP_HOST"] == "test")  // §4.1.18
        try await site.stop()
    }

    @Test func postSetsContentLengthAndType() async throws {
        let site = try await CGITestSite.start(scripts: ["printenv": Probe.printenv])
        let response = try await site.request("POST /cgi-bin/printenv HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
        let env = RawResponseEnvironment.parse(response.text)
        #expect(env["CONTENT_LENGTH"] == "5")
        #expect(env["CONTENT_TYPE"] == "text/plain")
        #expect(env["HTTP_CONTENT_LENGTH"] == nil)
        try await site.stop()
    }

    @Test func serverEnvironmentDoesNotLeakIntoScripts() async throws {
        setenv("HEARTH_TEST_SECRET", "leaked", 1)
        let site = try await CGITestSite.start(scripts: ["printenv": Probe.printenv])
        let response = try await site.get("/cgi-bin/printenv")
        #expect(!response.text.contains("HEARTH_TEST_SECRET"))
        #expect(RawResponseEnvironment.parse(response.text)["PATH"] == "/usr/local/bin:/usr/bin:/bin")
        try await site.stop()
    }

    /// SECURITY.md, Shellshock: the server execs the script itself, never
    /// through `sh -c`. A shell in between would be the script's parent
    /// (dash forks for `-c`), or, where it execs the command (bash), would
    /// have put its own `PWD`, `SHLVL` and `_` into the environment the
    /// script was started with, which /proc/PID/environ keeps.
    @Test func scriptIsExecutedDirectlyByTheServer() async throws {
        let site = try await CGITestSite.start(scripts: ["origin": Probe.origin])
        let lines = try await site.get("/cgi-bin/origin").text.split(separator: "\n").map(String.init)
        try await site.stop()
        #expect(lines.first == "parent=\(getpid())", "the server (this process) is the parent")
        // The kernel's argv for a `#!/bin/sh` file exec'd by its path.
        #expect(lines.dropFirst().first == "argv=/bin/sh|\(site.scriptDirectory)/origin|")
        let names = lines.dropFirst(2).first?.dropFirst("started-with=".count) ?? ""
        let started = Set(names.split(separator: " ").map(String.init))
        #expect(started.contains("GATEWAY_INTERFACE"))
        #expect(started.isDisjoint(with: ["PWD", "SHLVL", "_", "OLDPWD"]), "a shell's variables: \(started.sorted())")
    }

    /// SECURITY.md, Shellshock: a header value over 16 KiB (the default
    /// cap) is dropped; one of exactly 16 KiB reaches the script.
    @Test func headerValuesOver16KiBAreDropped() async throws {
        let site = try await CGITestSite.start(scripts: ["printenv": Probe.printenv])
        let fits = String(repeating: "a", count: 16 * 1024), over = String(repeating: "b", count: 16 * 1024 + 1)
        let response = try await site.get("/cgi-bin/printenv", headers: ["X-Fits: \(fits)", "X-Over: \(over)"])
        let env = RawResponseEnvironment.parse(response.text)
        // Compared here, not in #expect: a failure would print 16 KiB twice.
        let fitsArrived = env["HTTP_X_FITS"] == fits
        #expect(fitsArrived, "HTTP_X_FITS has \(env["HTTP_X_FITS"]?.utf8.count ?? 0) bytes")
        #expect(env["HTTP_X_OVER"]?.utf8.count == nil, "the 16,385-byte value was exported")
        #expect(env["HTTP_HOST"] == "test")
        try await site.stop()
    }

    /// SECURITY.md: httpoxy, header-name spoofing, Authorization.
    @Test func hostileHeadersNeverReachTheEnvironment() async throws {
        let site = try await CGITestSite.start(scripts: ["printenv": Probe.printenv])
        let response = try await site.get("/cgi-bin/printenv", headers: [
            "Proxy: http://evil.example:8080", "X_Forwarded_For: 6.6.6.6", "X-Forwarded-For: 10.0.0.1",
            "Authorization: Basic dXNlcjpwYXNz", "Cookie: a=1", "Cookie: b=2",
        ])
        let env = RawResponseEnvironment.parse(response.text)
        #expect(env["HTTP_PROXY"] == nil)
        #expect(env["HTTP_X_FORWARDED_FOR"] == "10.0.0.1")
        #expect(env["HTTP_AUTHORIZATION"] == nil)
        #expect(env["HTTP_COOKIE"] == "a=1; b=2")
        try await site.stop()
    }

    @Test func authorizationPassesWhereTheMountOptsIn() async throws {
        let site = try await CGITestSite.start(scripts: ["printenv": Probe.printenv], mount: { $0.passAuthorization = true })
        let response = try await site.get("/cgi-bin/printenv", headers: ["Authorization: Basic dXNlcjpwYXNz"])
        #expect(RawResponseEnvironment.parse(response.text)["HTTP_AUTHORIZATION"] == "Basic dXNlcjpwYXNz")
        try await site.stop()
    }

    /// §4.4 and CVE-2012-1823: no command-line words unless the mount opts in.
    @Test func indexQueryWordsOnlyWhenEnabled() async throws {
        let off = try await CGITestSite.start(scripts: ["argv": Probe.argv])
        #expect(try await off.get("/cgi-bin/argv?-s+two%20words").text == "")
        try await off.stop()
        let on = try await CGITestSite.start(scripts: ["argv": Probe.argv], mount: { $0.commandLineWords = true })
        #expect(try await on.get("/cgi-bin/argv?-s+two%20words").text == "[-s]\n[two words]\n")
        #expect(try await on.get("/cgi-bin/argv?a=b").text == "")
        try await on.stop()
    }

    @Test func workingDirectoryIsTheScriptsDirectory() async throws {
        let site = try await CGITestSite.start(scripts: ["sub/pwd": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\npwd\n"])
        #expect(try await site.get("/cgi-bin/sub/pwd").text == site.scriptDirectory + "/sub\n")
        try await site.stop()
    }
}
