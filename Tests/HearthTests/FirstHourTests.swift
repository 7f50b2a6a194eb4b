import Foundation
import HearthTesting
import Testing

/// What a new user trips over in the first hour with the real binary: how
/// it starts, what it says, and how it fails. Each failure is one line on
/// standard error naming what was wrong (the flag, or the config key with
/// its file and line), an exit status of its kind, and no usage block.
@Suite struct FirstHourTests {
    struct Outcome {
        var status: Int32
        var errors: String
    }

    /// Runs `hearth ARGUMENTS` to its end (at most 20 s, then it is killed
    /// and the test fails) and returns its exit status and standard error.
    static func run(_ arguments: [String], in directory: String, executable: String = HearthProcess.executable) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let killer = Task {
            try await Task.sleep(for: .seconds(20))
            process.terminate()
        }
        let text = await Task.detached { String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }.value
        process.waitUntilExit()
        killer.cancel()
        return Outcome(status: process.terminationStatus, errors: text)
    }

    @Test(arguments: [
        (["--port", "99999"], "hearth: --port: must be at most 65535\n"),
        (["--port", "85616"], "hearth: --port: must be at most 65535\n"),
        (["--port=-1"], "hearth: --port: must not be negative\n"),
        (["--port", "80a"], "hearth: --port: expected an integer, found \"80a\"\n"),
        (["--host", "example.org"], "hearth: --host: expected an IPv4 or IPv6 address such as 127.0.0.1 or \"::1\" (no brackets, no host names), found \"example.org\"\n"),
    ])
    func aBadFlagIsRefusedByTheConfigFilesRule(_ arguments: [String], _ message: String) async throws {
        let directory = try TemporaryDirectory()
        let outcome = try await Self.run(arguments, in: directory.path)
        #expect(outcome.status == 78)
        #expect(outcome.errors.hasSuffix(message), "\(outcome.errors)")
        #expect(!outcome.errors.contains("Usage"))
    }

    @Test func aMissingDirectoryNamesItsKeyFileAndLine() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("site.yaml", "static:\n  - url: /\n    root: missing\n")
        let outcome = try await Self.run(["--config", "site.yaml"], in: directory.path)
        #expect(outcome.status == 78)
        #expect(outcome.errors.contains("hearth: site.yaml:3:11: static[0].root: \(directory.path)/missing is not a directory\n"), "\(outcome.errors)")
        #expect(!outcome.errors.contains("Usage"))
    }

    @Test func aFlagsMissingDirectoryNamesTheFlag() async throws {
        let directory = try TemporaryDirectory()
        let outcome = try await Self.run(["--cgi-bin", "scripts"], in: directory.path)
        #expect(outcome.status == 78)
        #expect(outcome.errors.hasSuffix("hearth: --cgi-bin: \(directory.path)/scripts is not a directory\n"), "\(outcome.errors)")
    }

    @Test func anAccessLogThatCannotOpenNamesItsKeyFileAndLine() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("site.yaml", "log_level: warning\naccess_log: no/such/dir/access.log\n")
        let outcome = try await Self.run(["--config", "site.yaml", "--port", "0"], in: directory.path)
        #expect(outcome.status == 78)
        #expect(outcome.errors.contains("hearth: site.yaml:2:13: access_log: cannot open \(directory.path)/no/such/dir/access.log for appending: no such file or directory\n"), "\(outcome.errors)")
        #expect(!outcome.errors.contains("Usage"))
    }

    /// nginx: `bind() to 127.0.0.1:8080 failed (98: Address already in use)`.
    @Test func aPortInUseIsNamedInWords() async throws {
        let directory = try TemporaryDirectory()
        let first = try await HearthProcess.start([], workingDirectory: directory.path)
        let outcome = try await Self.run(["--port", "\(first.port)"], in: directory.path)
        #expect(try await first.terminate() == 0)
        #expect(outcome.status == 1)
        #expect(outcome.errors.hasSuffix("hearth: cannot listen on 127.0.0.1:\(first.port): address already in use (errno 98)\n"), "\(outcome.errors)")
        #expect(!outcome.errors.contains("Fatal error") && !outcome.errors.contains("Usage"))
    }

    /// From a directory without ./public or ./cgi-bin, `hearth` starts,
    /// says which flag would serve them, and that it serves nothing.
    @Test func missingDefaultDirectoriesAreSkippedWithAWarning() async throws {
        let directory = try TemporaryDirectory()
        let hearth = try await HearthProcess.start([], workingDirectory: directory.path)
        let response = try await rawRequest("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: hearth.port)
        #expect(try await hearth.terminate() == 0)
        #expect(response.status == 404)
        #expect(hearth.errors.contains("no cgi-bin directory here: no CGI scripts are served (give --cgi-bin DIR)"))
        #expect(hearth.errors.contains("no public directory here: no static files are served (give --root DIR)"))
        #expect(hearth.errors.contains("no mounts: every request will be 404"))
    }

    /// Start-up says the version, the URL, and each mount with its directory.
    @Test func startUpSaysWhatIsServedWhere() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("cgi-bin/hello", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n", mode: 0o755)
        try directory.write("public/index.html", "home")
        let hearth = try await HearthProcess.start([], workingDirectory: directory.path)
        #expect(try await hearth.terminate() == 0)
        let real = URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path
        #expect(hearth.errors.contains("Hearth 0.1"))
        #expect(hearth.errors.contains("listening on http://127.0.0.1:\(hearth.port)/"))
        #expect(hearth.errors.contains("/cgi-bin/ → CGI scripts in \(real)/cgi-bin; *.fcgi files as FastCGI pools of 1–8 workers each"), "\(hearth.errors)")
        #expect(hearth.errors.contains("/ → static files in \(real)/public, with server pages"))
        #expect(!hearth.errors.contains("no mounts"))
    }

    /// `hearth conformance` from any directory finds the repository's cases
    /// (beside the executable it was built into) and, against a server that
    /// is down, stops with one line instead of a failure per case.
    @Test func conformanceFromElsewhereAgainstADownTargetSaysSoOnce() async throws {
        let directory = try TemporaryDirectory()
        let free = try RawConnection.unusedPort()
        let outcome = try await Self.run(["conformance", "--target", "http://127.0.0.1:\(free)/cgi-bin/"], in: directory.path)
        #expect(outcome.status == 1)
        #expect(outcome.errors == "hearth: cannot connect to 127.0.0.1:\(free) (the --target): connection refused\n")
        let missing = try await Self.run(["conformance", "--target", "http://127.0.0.1:\(free)/cgi-bin/", "--cases", "nowhere"], in: directory.path)
        #expect(missing.status == 78)
        #expect(missing.errors == "hearth: --cases: nowhere is not a directory\n")
    }

    /// The examples a user builds in docs/migrating.md: `--help`, a checked
    /// `--port`, and a port in use as one line, exit 1, no crash (the
    /// tutorial's step 4 used to start on step 0's port and die with
    /// "Fatal error: Error raised at top level" and exit 132).
    @Test(arguments: ["guestbook", "guestbook-server"])
    func theExamplesFailInOneLine(_ name: String) async throws {
        let directory = try TemporaryDirectory()
        try directory.write("public/index.html", "home")
        try FileManager.default.createDirectory(atPath: directory.path + "/cgi-bin", withIntermediateDirectories: true)
        let executable = HearthProcess.builtExecutable(name)
        let help = try await Self.run(["--help"], in: directory.path, executable: executable)
        let badPort = try await Self.run(["--port", "99999"], in: directory.path, executable: executable)
        let first = try await HearthProcess.start([], workingDirectory: directory.path)
        let taken = try await Self.run(["--port", "\(first.port)"], in: directory.path, executable: executable)
        #expect(try await first.terminate() == 0)
        #expect(help.status == 0)
        #expect(badPort.status == 64 && badPort.errors.hasPrefix("\(name): --port: expected 0 to 65535, found \"99999\"\n"), "\(badPort.errors)")
        #expect(taken.status == 1, "\(taken.errors)")
        #expect(taken.errors.hasSuffix("\(name): cannot listen on 127.0.0.1:\(first.port): address already in use (errno 98)\n"), "\(taken.errors)")
        #expect(!taken.errors.contains("Fatal error"))
    }
}
