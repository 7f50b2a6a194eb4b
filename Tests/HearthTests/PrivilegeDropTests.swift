import Foundation
import HearthTesting
import Testing

/// `server.user` (`--user`): started as root, the real binary binds its
/// port, then becomes the user in every thread before it accepts a
/// connection or starts a script; with no user it warns that scripts run as
/// root; as anyone but root it refuses to become someone else. A throwaway
/// user is made with useradd and removed after.
@Suite(.serialized, .enabled(if: getuid() == 0, "changing users needs root"))
struct PrivilegeDropTests {
    static func site() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("cgi-bin/id", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nid -u\nid -g\n", mode: 0o755)
        try directory.write("public/index.html", "home")
        return directory
    }

    /// The ids of every thread of `pid`: each line `Uid: r e s fs`.
    static func threadIds(of pid: Int32) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").flatMap { task in
            try String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8).split(separator: "\n")
                .filter { $0.hasPrefix("Uid:") || $0.hasPrefix("Gid:") || $0.hasPrefix("CapEff:") }.map(String.init)
        }
    }

    @Test func startedAsRootItBecomesTheUserInEveryThread() async throws {
        let user = try ThrowawayUser()
        let (uid, gid) = try user.ids
        let directory = try Self.site()
        let hearth = try await HearthProcess.start(["--user", user.name], workingDirectory: directory.path)
        let ids = try Self.threadIds(of: hearth.pid)
        let response = try await rawRequest("GET /cgi-bin/id HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: hearth.port)
        #expect(try await hearth.terminate() == 0)
        #expect(response.text == "\(uid)\n\(gid)\n", "the script runs as the user")
        #expect(ids.count >= 3 * 2, "\(ids)")
        for line in ids {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("Uid:") { #expect(fields.dropFirst().allSatisfy { $0 == uid }, "\(line)") }
            if line.hasPrefix("Gid:") { #expect(fields.dropFirst().allSatisfy { $0 == gid }, "\(line)") }
            if line.hasPrefix("CapEff:") { #expect(fields.last == "0000000000000000", "no capability left: \(line)") }
        }
        #expect(hearth.errors.contains("running as \(user.name) (uid \(uid), gid \(gid))"))
    }

    @Test func asRootWithNoUserItWarnsThatScriptsRunAsRoot() async throws {
        let directory = try Self.site()
        let hearth = try await HearthProcess.start([], workingDirectory: directory.path)
        #expect(try await hearth.terminate() == 0)
        #expect(hearth.errors.contains("running as root with no server.user: every script and worker runs as root"))
    }

    @Test func anUnknownUserIsAConfigurationError() async throws {
        let directory = try Self.site()
        let outcome = try await FirstHourTests.run(["--user", "no-such-user-here", "--port", "0"], in: directory.path)
        #expect(outcome.status == 78)
        #expect(outcome.errors.hasSuffix("hearth: --user: no user named \"no-such-user-here\"\n"), "\(outcome.errors)")
    }

    /// Only root can change who a process is: as the throwaway user,
    /// `--user root` is refused, and so is the same in a config file, with
    /// its line.
    @Test func asAnotherUserItCannotBecomeSomeoneElse() async throws {
        let user = try ThrowawayUser()
        let directory = try Self.site()
        try directory.write("site.yaml", "server:\n  user: root\n")
        let runuser = ["-u", user.name, "--", HearthProcess.executable]
        let flag = try await FirstHourTests.run(runuser + ["--user", "root", "--port", "0"], in: directory.path, executable: "/usr/sbin/runuser")
        let file = try await FirstHourTests.run(runuser + ["--config", "site.yaml", "--port", "0"], in: directory.path, executable: "/usr/sbin/runuser")
        let (uid, _) = try user.ids
        #expect(flag.status == 78)
        #expect(flag.errors.hasSuffix("hearth: --user: cannot become root: started as uid \(uid), not as root, and only root can change who a process is\n"), "\(flag.errors)")
        #expect(file.status == 78)
        #expect(file.errors.contains("hearth: site.yaml:2:9: server.user: cannot become root"), "\(file.errors)")
    }

    /// `hearth doctor --config`: run as root, a configuration without
    /// `server.user` is reported; with one, it is not.
    @Test func doctorReportsAConfigurationThatRunsScriptsAsRoot() async throws {
        let directory = try Self.site()
        try directory.write("root.yaml", "log_level: info\n")
        try directory.write("user.yaml", "server:\n  user: nobody\n")
        let asRoot = try await FirstHourTests.run(["doctor", "cgi-bin", "--config", "root.yaml"], in: directory.path)
        let withUser = try await FirstHourTests.run(["doctor", "cgi-bin", "--config", "user.yaml"], in: directory.path)
        #expect(asRoot.status == 1)
        #expect(withUser.status == 0)
        let report = try ProgramOutput.of(HearthProcess.executable, ["doctor", "cgi-bin", "--config", "root.yaml"], in: directory.path)
        #expect(report.contains("root.yaml: run as root with no server.user, every script and worker runs as root"), "\(report)")
    }
}
