import Foundation
import HearthTesting
import Testing

/// `run_as` (suEXEC's job without a setuid binary): the real binary,
/// started as root with `server.user`, runs a mount's scripts and workers
/// as that mount's user — its uid, groups and HOME — through the
/// privileged spawner, refuses every script that breaks a suEXEC rule
/// with a 500 and a log line naming the rule, and still stops a run_as
/// script it may not signal itself. Throwaway users, removed after.
@Suite(.serialized, .enabled(if: getuid() == 0, "changing users needs root"))
struct RunAsTests {
    /// A site whose `/alice` scripts run as `owner`, the rest as `server`.
    struct Site {
        let directory: TemporaryDirectory
        let owner = try! ThrowawayUser(system: false)
        let server = try! ThrowawayUser()

        init(extra: String = "") throws {
            directory = try TemporaryDirectory()
            try directory.write("cgi-bin/id", Self.idScript, mode: 0o755)
            try directory.write("alice/id.cgi", Self.idScript, mode: 0o755)
            try FileManager.default.createDirectory(atPath: directory.path + "/markers", withIntermediateDirectories: true)
            chmod(directory.path + "/markers", 0o1777)
            try directory.write("site.yaml", """
                server:
                  user: \(server.name)
                cgi:
                  - url: /cgi-bin
                    directory: cgi-bin
                  - url: /alice
                    directory: alice
                    run_as: \(owner.name)
                    io_timeout: 1s
                    kill_grace: 200ms
                \(extra)
                static: []
                """)
            try own("alice")
        }

        static let idScript = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nid -u; id -g; id -G; echo \"$HOME\"\n"

        /// Gives `path` (and, for a directory, what is in it) to the owner.
        func own(_ path: String) throws {
            try ThrowawayUser.run("/bin/chown", ["-R", "\(owner.name):\(owner.name)", directory.path + "/" + path])
        }

        func start() async throws -> HearthProcess {
            try await HearthProcess.start(["--config", "site.yaml"], workingDirectory: directory.path)
        }
    }

    static func get(_ path: String, port: Int) async throws -> RawResponse {
        try await rawRequest("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port)
    }

    @Test func aMountsScriptsRunAsItsUserWhileTheServerKeepsNoPrivilege() async throws {
        let site = try Site()
        let hearth = try await site.start()
        let alice = try await Self.get("/alice/id.cgi", port: hearth.port)
        let plain = try await Self.get("/cgi-bin/id", port: hearth.port)
        let serverStatus = try String(contentsOfFile: "/proc/\(hearth.pid)/status", encoding: .utf8)
        #expect(try await hearth.terminate() == 0)
        let (uid, gid) = try site.owner.ids
        #expect(alice.status == 200)
        #expect(alice.text == "\(uid)\n\(gid)\n\(gid)\n/home/\(site.owner.name)\n", "its ids, its groups and its HOME")
        let (serverUid, serverGid) = try site.server.ids
        #expect(plain.text.hasPrefix("\(serverUid)\n\(serverGid)\n"), "a mount without run_as runs as the server")
        let fields = Dictionary(serverStatus.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces)) : nil
        }) { first, _ in first }
        #expect(fields["Uid"]?.split(separator: "\t").allSatisfy { $0 == serverUid } == true, "the process that parses HTTP: \(fields["Uid"] ?? "")")
        #expect(fields["CapEff"] == "0000000000000000")
        #expect(fields["CapPrm"] == "0000000000000000")
    }

    /// suEXEC's rules, one at a time: each script is refused before it
    /// starts (it would leave a marker), answered 500, and the error log
    /// names the rule.
    @Test(arguments: [
        ("script-owner", "root-owned.cgi"),
        ("script-writable", "group-writable.cgi"),
        ("setid", "setuid.cgi"),
        ("directory-owner", "rootdir/x.cgi"),
        ("directory-writable", "opendir/x.cgi"),
    ])
    func aScriptBreakingARuleIsRefusedAndTheRuleNamed(rule: String, script: String) async throws {
        let site = try Site()
        let marker = site.directory.path + "/markers/" + rule
        try site.directory.write("alice/" + script, "#!/bin/sh\ntouch \(marker)\nprintf 'Content-Type: text/plain\\n\\nran\\n'\n", mode: 0o755)
        try site.own("alice")
        let file = site.directory.path + "/alice/" + script
        switch rule {
        case "script-owner": chown(file, 0, 0)
        case "script-writable": chmod(file, 0o775)
        case "setid": chmod(file, 0o4755)
        case "directory-owner": chown(site.directory.path + "/alice/rootdir", 0, 0)
        default: chmod(site.directory.path + "/alice/opendir", 0o777)
        }
        let hearth = try await site.start()
        let response = try await Self.get("/alice/" + script, port: hearth.port)
        #expect(try await hearth.terminate() == 0)
        #expect(response.status == 500)
        #expect(!FileManager.default.fileExists(atPath: marker), "the script never started")
        #expect(hearth.errors.contains("run_as refused (\(rule)):"), "\(hearth.errors)")
    }

    /// The server may not signal another user's processes: a run_as script
    /// that outlives its io_timeout is stopped through the spawner, its
    /// whole group with it.
    @Test func aRunAsScriptPastItsTimeoutIsStoppedWithItsChildren() async throws {
        let site = try Site()
        let pids = site.directory.path + "/markers/pids"
        try site.directory.write("alice/slow.cgi", "#!/bin/sh\nsleep 60 &\necho $$ $! > \(pids)\nprintf 'Content-Type: text/plain\\n\\n'\nwait\n", mode: 0o755)
        try site.own("alice")
        let hearth = try await site.start()
        let response = try await Self.get("/alice/slow.cgi", port: hearth.port)
        let started = (try? String(contentsOfFile: pids, encoding: .utf8))?.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? []
        let gone = await Processes.eventually(seconds: 10) { started.allSatisfy { kill($0, 0) != 0 } }
        #expect(try await hearth.terminate() == 0)
        #expect(response.status == 504, "a head and no body within io_timeout")
        #expect(started.count == 2)
        #expect(gone, "the script and its child were killed")
        #expect(hearth.errors.contains("slow.cgi"), "\(hearth.errors)")
    }

    /// A `*.fcgi` pool under a run_as mount runs as the mount's user; its
    /// workers are stopped through the spawner when the server stops.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/perl5/CGI/Fast.pm"), "needs libcgi-fast-perl"))
    func aWarmPoolRunsAsTheMountsUser() async throws {
        let site = try Site()
        try site.directory.write("alice/who.fcgi", """
            #!/usr/bin/perl
            use CGI::Fast;
            while (my $q = CGI::Fast->new) { print "Content-Type: text/plain\\r\\n\\r\\n$< $$\\n"; }
            """, mode: 0o755)
        try site.own("alice")
        let hearth = try await site.start()
        let response = try await Self.get("/alice/who.fcgi", port: hearth.port)
        let worker = response.text.split(separator: " ").last.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(try await hearth.terminate() == 0)
        let (uid, _) = try site.owner.ids
        #expect(response.status == 200)
        #expect(response.text.hasPrefix("\(uid) "), "\(response.text)")
        #expect(worker.map { kill($0, 0) != 0 } == true, "the worker was stopped with the server")
    }

    @Test(arguments: [
        ("no-such-user-here", "no user named \"no-such-user-here\""),
        ("daemon", "daemon has uid 1, below min_uid 1000"),
    ])
    func aRunAsThatCannotBeUsedIsAConfigurationError(account: String, message: String) async throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/s", withIntermediateDirectories: true)
        try directory.write("site.yaml", "cgi:\n  - url: /s\n    directory: s\n    run_as: \(account)\nstatic: []\n")
        let outcome = try await FirstHourTests.run(["--config", "site.yaml", "--port", "0"], in: directory.path)
        #expect(outcome.status == 78)
        #expect(outcome.errors.contains("site.yaml:4:13: cgi[0].run_as: \(message)"), "\(outcome.errors)")
    }

    /// `hearth doctor --config` finds the scripts of a run_as mount that
    /// the spawner would refuse, by the same rules, before a visitor does.
    @Test func doctorNamesTheScriptsRunAsWouldRefuse() async throws {
        let site = try Site()
        try site.directory.write("alice/open.cgi", Site.idScript, mode: 0o755)
        try site.own("alice")
        chmod(site.directory.path + "/alice/open.cgi", 0o775)
        let report = try ProgramOutput.of(HearthProcess.executable, ["doctor", "cgi-bin", "--config", "site.yaml"], in: site.directory.path)
        #expect(report.contains("alice/open.cgi: run_as \(site.owner.name) would refuse it, 500 for every request: run_as refused (script-writable)"), "\(report)")
        #expect(!report.contains("alice/id.cgi"), "a script that keeps every rule is not reported: \(report)")
    }

    /// Only root can start scripts as other users: started as anyone else,
    /// a configuration with run_as fails at start-up, before it listens.
    @Test func runAsNeedsTheServerStartedAsRoot() async throws {
        let site = try Site()
        try site.directory.write("plain.yaml", "cgi:\n  - url: /alice\n    directory: alice\n    run_as: \(site.owner.name)\nstatic: []\n")
        let runuser = ["-u", site.server.name, "--", HearthProcess.executable, "--config", "plain.yaml", "--port", "0"]
        let outcome = try await FirstHourTests.run(runuser, in: site.directory.path, executable: "/usr/sbin/runuser")
        #expect(outcome.status == 1)
        #expect(outcome.errors.contains("run_as: ") && outcome.errors.contains("needs Hearth started as root"), "\(outcome.errors)")
        #expect(!outcome.errors.contains("listening on"))
    }
}
