import Foundation
import HearthHTTP
import HearthTesting
import Testing

/// `hearth --version` and `hearth check`, as a user runs them.
@Suite struct CheckCommandTests {
    static func run(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        try ProgramOutput.run(HearthProcess.executable, arguments, in: directory)
    }

    static func config(_ directory: TemporaryDirectory) -> String {
        (try? String(contentsOfFile: directory.path + "/hearth.yaml", encoding: .utf8)).map { $0 + "\n" } ?? ""
    }

    @Test func versionPrintsTheOneVersion() throws {
        let result = try Self.run(["--version"], in: "/")
        #expect(result.status == 0)
        #expect(result.output == "\(HearthVersion.number)\n")
    }

    /// Started as root, a configuration must name `server.user` (doctor's
    /// finding); the account running the test will do.
    @Test func aGoodConfigurationIsOK() throws {
        let directory = try ExecutableTests.makeSite()
        let me = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        try directory.write("hearth.yaml", Array((Self.config(directory) + "server: {user: \(me)}\n").utf8))
        let result = try Self.run(["check", "--config", "hearth.yaml"], in: directory.path)
        #expect(result.output == "hearth.yaml: OK\n")
        #expect(result.status == 0)
    }

    /// Each file the configuration names that would fail only at start-up
    /// or on a request is reported, one line each, and the status says so;
    /// nothing is started (the port is not bound, no script runs).
    @Test func everyProblemOfTheFilesItNamesIsReported() throws {
        let directory = try ExecutableTests.makeSite()
        try directory.write("cgi/plain.sh", Array("#!/bin/sh\necho\n".utf8), mode: 0o644)
        try directory.write("cgi/marker", Array("#!/bin/sh\ntouch \(directory.path)/ran\n".utf8), mode: 0o755)
        try directory.write("hearth.yaml", Array("""
            access_log: /nonexistent-dir/access.log
            error_log: logs/error.log
            server: {user: no-such-user-hearth}
            cgi:
              - url: /cgi-bin
                directory: cgi
                interpreters: {php: /usr/bin/no-such-php-cgi}
            fastcgi:
              - url: /app
                command: /nonexistent/app.fcgi
            static: [{url: /, root: public}]
            """.utf8))
        let result = try Self.run(["check", "--config", "hearth.yaml"], in: directory.path)
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("hearth.yaml:1:13: access_log: /nonexistent-dir/access.log cannot be opened for appending") })
        #expect(lines.contains { $0.hasPrefix("hearth.yaml:2:12: error_log: \(directory.path)/logs/error.log cannot be opened for appending") })
        #expect(lines.contains("hearth.yaml:3:16: server.user: no user named no-such-user-hearth"))
        #expect(lines.contains("cgi[0].interpreters.php: /usr/bin/no-such-php-cgi is not an executable file"))
        #expect(lines.contains("fastcgi[0].command: /nonexistent/app.fcgi is not an executable file"))
        #expect(lines.contains { $0.contains("plain.sh: not executable") })
        #expect(!lines.contains { $0.hasSuffix(": OK") })
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/ran"))
    }

    /// An error in the file, or in what building the site checks (a
    /// directory that is not there), is the one line `serve` would print.
    @Test(arguments: [
        ("cgi: [{url: /cgi-bin, directory: nowhere}]\nstatic: []\n", "cgi[0].directory: "),
        ("server: {port: 99999}\n", "hearth.yaml:1:16: server.port: must be at most 65535"),
        ("trusted_proxies: [10.1.0.0/8]\n", "hearth.yaml:1:19: trusted_proxies[0]: "),
    ])
    func aConfigurationErrorIsTheLineServeWouldPrint(yaml: String, says: String) throws {
        let directory = try ExecutableTests.makeSite()
        try directory.write("hearth.yaml", Array(yaml.utf8))
        let result = try Self.run(["check", "--config", "hearth.yaml"], in: directory.path)
        #expect(result.status == 1)
        #expect(result.output.split(separator: "\n").count == 1, "\(result.output)")
        #expect(result.output.contains(says), "\(result.output)")
    }
}
