import Foundation
import HearthTesting
import Testing

/// The real `hearth` binary as a process of its own: what a user runs.
@Suite struct ExecutableTests {
    static let echo = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nhead -c \"${CONTENT_LENGTH:-0}\"\n"
    static let slow = "#!/bin/sh\nread line\nprintf 'Content-Type: text/plain\\n\\nfinished %s\\n' \"$line\"\n"

    /// A site in a temporary directory: cgi/ with the scripts, public/, and
    /// a config file whose caps stay out of the way of 50 parallel clients
    /// (a slot is held until the script is reaped, a little after its
    /// client has the response).
    static func makeSite() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("cgi/echo", Array(echo.utf8), mode: 0o755)
        try directory.write("cgi/slow", Array(slow.utf8), mode: 0o755)
        try directory.write("public/index.html", Array("<h1>home</h1>\n".utf8))
        try directory.write("hearth.yaml", Array("""
        access_log: off
        max_concurrent_scripts: 256
        cgi:
          - url: /cgi-bin
            directory: cgi
            max_concurrent: 256
        static:
          - url: /
            root: public
        """.utf8))
        return directory
    }

    /// 200 requests, 50 at a time, twice: all answered correctly; no child
    /// left, no zombie; and the second round leaves the server with no more
    /// descriptors than the first did. (The first round creates what the
    /// runtime keeps for good — the SIGCHLD source, event loops — so a leak
    /// shows as growth from one round to the next. Timerfds come and go
    /// with pending timers and are not counted.)
    @Test func manyConcurrentRequestsLeaveNothingBehind() async throws {
        let directory = try Self.makeSite()
        let hearth = try await HearthProcess.start(["--config", "hearth.yaml"], workingDirectory: directory.path)
        #expect(try await Self.load(port: hearth.port) == [])
        #expect(await Processes.eventually { Processes.children(of: hearth.pid).isEmpty })
        let baseline = Processes.leakableDescriptorCount(of: hearth.pid)
        let before = Processes.descriptorTargets(of: hearth.pid)
        #expect(try await Self.load(port: hearth.port) == [])
        #expect(await Processes.eventually { Processes.children(of: hearth.pid).isEmpty })
        #expect(Processes.zombieChildren(of: hearth.pid).isEmpty)
        #expect(await Processes.eventually { Processes.leakableDescriptorCount(of: hearth.pid) <= baseline },
                "before: \(before)\nafter: \(Processes.descriptorTargets(of: hearth.pid))")
        #expect(try await hearth.terminate() == 0)
    }

    /// 200 POSTs to the echo script, 50 at a time; the ones answered wrongly.
    static func load(port: Int) async throws -> [String] {
        try await withThrowingTaskGroup(of: String?.self) { group in
            var failures: [String] = []
            for index in 0..<200 {
                if index >= 50, let failure = try await group.next() { failures += [failure].compactMap { $0 } }
                group.addTask {
                    let body = "request \(index)"
                    let response = try await rawRequest("POST /cgi-bin/echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)", port: port)
                    return response.status == 200 && response.text == body ? nil : "\(index): \(response.status) \(response.text)"
                }
            }
            for try await failure in group { failures += [failure].compactMap { $0 } }
            return failures
        }
    }

    /// SIGTERM: the request in flight finishes, then the server exits 0.
    @Test func sigtermLetsTheRequestInFlightFinish() async throws {
        let directory = try Self.makeSite()
        let hearth = try await HearthProcess.start(["--config", "hearth.yaml"], workingDirectory: directory.path)
        let connection = try RawConnection(port: hearth.port)
        // The script waits for a line of input; the body's first part is sent
        // now, the line's end only after SIGTERM.
        try await connection.send("POST /cgi-bin/slow HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nlast")
        #expect(await Processes.eventually { !Processes.children(of: hearth.pid).isEmpty })
        kill(hearth.pid, SIGTERM)
        #expect(await Processes.eventually { hearth.errors.contains("shutting down") })
        try await connection.send("\n")
        let response = try await connection.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "finished last\n")
        #expect(response.header("connection") == "close")
        #expect(try await hearth.terminate() == 0)
        #expect(hearth.errors.contains("stopped"))
    }

    @Test func servesOverIPv6() async throws {
        let directory = try Self.makeSite()
        let hearth = try await HearthProcess.start(["--config", "hearth.yaml", "--host", "::1"], workingDirectory: directory.path)
        let response = try await rawRequest("GET /cgi-bin/echo HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n", port: hearth.port, host: "::1")
        #expect(response.status == 200)
        #expect(try await hearth.terminate() == 0)
    }

    @Test func missingScriptDirectoryStopsStartUpWithAClearMessage() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("public/index.html", Array("home".utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HearthProcess.executable)
        process.arguments = ["serve", "--port", "0", "--cgi-bin", "nowhere"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        let output = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        #expect(output.contains("--cgi-bin: \(directory.path)/nowhere is not a directory"))
    }
}

/// `hearth doctor` as a user runs it: one line per problem, exit status 1.
@Suite struct DoctorCommandTests {
    static func runDoctor(_ directory: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HearthProcess.executable)
        process.arguments = ["doctor", directory]
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func shippedSamplesAreHealthy() throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("cgi-bin").path
        let result = try Self.runDoctor(samples)
        #expect(result.status == 0)
        #expect(result.output == "\(samples): no problems found\n")
    }

    @Test func brokenScriptsAreReportedAndTheExitStatusSaysSo() throws {
        let directory = try TemporaryDirectory()
        try directory.write("crlf.py", Array("#!/usr/bin/python3\r\nprint('x')\r\n".utf8), mode: 0o755)
        try directory.write("plain.sh", Array("#!/bin/sh\necho\n".utf8), mode: 0o644)
        let result = try Self.runDoctor(directory.path)
        #expect(result.status == 1)
        #expect(result.output.contains("crlf.py: CRLF line endings"))
        #expect(result.output.contains("plain.sh: not executable"))
        #expect(result.output.split(separator: "\n").count == 2)
    }
}
