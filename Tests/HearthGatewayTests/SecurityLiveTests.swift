import Foundation
import HearthTesting
import Testing

/// SECURITY.md, "Request → script": each client-visible rule, through the
/// real server.
@Suite struct SecurityLiveTests {
    static let secretSource = "#!/bin/sh\n# SECRET-SOURCE-MARKER\nprintf 'Content-Type: text/plain\\n\\nran\\n'\n"

    /// Apache CVE-2021-41773/42013: traversal out of the script directory,
    /// and through PATH_INFO (`..` after the script name). Each path is
    /// refused by its exact reason (`RequestPath`: a dot segment or NUL is
    /// 400, an encoded slash 404) before any mount, and no script runs:
    /// every script here leaves a marker when it does.
    @Test(arguments: [
        ("/cgi-bin/../cgi-bin/run", 400), ("/cgi-bin/%2e%2e/etc/passwd", 400), ("/cgi-bin/.%2e/x", 400),
        ("/cgi-bin/run/../x", 400), ("/cgi-bin/run/%2e%2e/x", 400), ("/cgi-bin/run/./x", 400), ("/cgi-bin/sub/%2E%2E/run", 400),
        ("/cgi-bin/run%00.txt", 400), ("/cgi-bin/run/%00", 400),
        ("/cgi-bin/sub%2frun", 404), ("/cgi-bin/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", 404),
    ])
    func traversalIsRejected(_ path: String, status: Int) async throws {
        let markers = try TemporaryDirectory()
        let script = Self.marking(markers.path + "/ran")
        let site = try await CGITestSite.start(scripts: ["run": script, "sub/run": script], logger: LogCapture().logger())
        let response = try await site.get(path)
        #expect(response.status == status)
        #expect(!response.text.contains("ran") && !response.text.contains("root:"))
        // The server still answers, and the marker works: it is the script.
        #expect(try await site.get("/cgi-bin/run/after").text == "ran\n")
        try await site.stop()
        let ran = (try? String(contentsOfFile: markers.path + "/ran", encoding: .utf8)) ?? ""
        #expect(ran == "/after\n", "scripts ran with these PATH_INFO values")
    }

    /// A script that appends its PATH_INFO to `marker` when it runs.
    static func marking(_ marker: String) -> String {
        "#!/bin/sh\nprintf '%s\\n' \"$PATH_INFO\" >> '\(marker)'\nprintf 'Content-Type: text/plain\\n\\nran\\n'\n"
    }

    /// Handler confusion / source disclosure: a non-executable file in a
    /// script directory is 403, never run, never shown.
    @Test func nonExecutableScriptIsForbiddenAndNeverShown() async throws {
        let site = try await CGITestSite.start(scripts: ["plain.sh": Self.secretSource], modes: ["plain.sh": 0o644])
        let response = try await site.get("/cgi-bin/plain.sh")
        #expect(response.status == 403)
        #expect(!response.text.contains("SECRET-SOURCE-MARKER"))
        try await site.stop()
    }

    @Test func symlinkOutOfTheScriptDirectoryIsForbidden() async throws {
        let outside = try TemporaryDirectory()
        let target = try outside.write("elsewhere.sh", Array(Self.secretSource.utf8), mode: 0o755)
        let site = try await CGITestSite.start(scripts: [:])
        try FileManager.default.createSymbolicLink(atPath: site.scriptDirectory + "/link.sh", withDestinationPath: target)
        let response = try await site.get("/cgi-bin/link.sh")
        #expect(response.status == 403)
        #expect(!response.text.contains("ran"))
        try await site.stop()
    }

    /// A script directory inside the document root: its files are never
    /// served as static bytes.
    @Test func scriptDirectoryInsideTheDocumentRootIsNeverServedStatically() async throws {
        let root = try TemporaryDirectory()
        try root.write("index.html", Array("home".utf8))
        try root.write("cgi-bin/run", Array(Self.secretSource.utf8), mode: 0o755)
        let site = try await CGITestSite.start(scripts: [:], mount: { $0.directory = root.path + "/cgi-bin" }, site: {
            $0.staticMounts[0].root = root.path
        })
        // Reached through the static mount under another name, it is refused.
        let mounts = try await site.get("/cgi-bin/run")
        #expect(mounts.text == "ran\n")
        #expect(try await site.get("/index.html").text == "home")
        try await site.stop()
        let staticOnly = try await CGITestSite.start(scripts: [:], mount: { $0.directory = root.path + "/cgi-bin"; $0.urlPath = "/scripts" }, site: {
            $0.staticMounts[0].root = root.path
        })
        let response = try await staticOnly.get("/cgi-bin/run")
        #expect([403, 404].contains(response.status))
        #expect(!response.text.contains("SECRET-SOURCE-MARKER"))
        try await staticOnly.stop()
    }

    /// Shellshock (CVE-2014-6271): a function definition in a header is an
    /// inert string; the script is exec'd directly, not via `sh -c`.
    @Test func shellshockHeaderIsInert() async throws {
        let script = "#!/bin/bash\nprintf 'Content-Type: text/plain\\n\\n'\necho \"${HTTP_X_PROBE:0:12}\"\n"
        let site = try await CGITestSite.start(scripts: ["bash": script])
        let marker = site.scriptDirectory + "/pwned"
        let response = try await site.get("/cgi-bin/bash", headers: ["X-Probe: () { :; }; /usr/bin/touch \(marker)"])
        #expect(response.status == 200)
        #expect(response.text == "() { :; }; /\n")
        #expect(!FileManager.default.fileExists(atPath: marker))
        try await site.stop()
    }

    /// Header values never carry CR/LF into the environment: the value is
    /// rejected by the HTTP parser (llhttp, strict: a CR must be followed
    /// by LF) with a 400 before any script runs.
    @Test func headerWithBareCarriageReturnNeverReachesAScript() async throws {
        let markers = try TemporaryDirectory()
        let site = try await CGITestSite.start(scripts: ["run": Self.marking(markers.path + "/ran")], logger: LogCapture().logger())
        let response = try await site.request("GET /cgi-bin/run HTTP/1.1\r\nHost: t\r\nX-Evil: a\rInjected: b\r\nConnection: close\r\n\r\n")
        #expect(response.status == 400)
        try await site.stop()
        #expect(!FileManager.default.fileExists(atPath: markers.path + "/ran"))
    }
}
