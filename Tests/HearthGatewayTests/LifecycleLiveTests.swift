import Foundation
import HearthTesting
import Logging
import Testing

/// Scripts that hang, clients that leave, many at once: every process is
/// stopped and reaped, and the server is unharmed (SECURITY.md, STYLE.md 7).
@Suite struct LifecycleLiveTests {
    @Test func hungScriptGets504AndIsKilled() async throws {
        let site = try await CGITestSite.start(scripts: ["hangs": Probe.hangs], mount: {
            $0.ioTimeout = .milliseconds(500)
            $0.killGrace = .milliseconds(200)
        })
        let response = try await site.get("/cgi-bin/hangs?timeout")
        #expect(response.status == 504)
        let pid = try #require(await Processes.readPid(at: site.scriptDirectory + "/timeout.pid"))
        #expect(await Processes.waitUntilGone(pid))
        try await site.stop()
    }

    @Test func totalTimeoutStopsAScriptThatKeepsTalking() async throws {
        // Three seconds: the head must be out before the deadline, also on
        // a machine so loaded that starting a shell takes a second.
        let site = try await CGITestSite.start(scripts: ["streams": Probe.streams], mount: {
            $0.totalTimeout = .seconds(3)
            $0.killGrace = .milliseconds(200)
        })
        let connection = try RawConnection(port: site.port)
        try await connection.send("GET /cgi-bin/streams?total HTTP/1.1\r\nHost: t\r\n\r\n")
        // The head went out before the deadline; the body is cut and the
        // connection closed, since a truncated body cannot be framed.
        let bytes = try await connection.readToEnd()
        #expect(String(decoding: bytes.prefix(15), as: UTF8.self) == "HTTP/1.1 200 OK")
        #expect(!String(decoding: bytes, as: UTF8.self).hasSuffix("0\r\n\r\n"))
        let pid = try #require(await Processes.readPid(at: site.scriptDirectory + "/total.pid"))
        #expect(await Processes.waitUntilGone(pid))
        try await site.stop()
    }

    @Test func clientDisconnectMidStreamKillsTheScript() async throws {
        let site = try await CGITestSite.start(scripts: ["streams": Probe.streams], mount: { $0.killGrace = .milliseconds(200) })
        let connection = try RawConnection(port: site.port)
        try await connection.send("GET /cgi-bin/streams?gone HTTP/1.1\r\nHost: t\r\n\r\n")
        let pid = try #require(await Processes.readPid(at: site.scriptDirectory + "/gone.pid"))
        #expect(Processes.isAlive(pid))
        connection.close()  // hangs up mid-stream
        #expect(await Processes.waitUntilGone(pid))
        try await site.stop()
    }

    /// Stopped by the client's leaving, not by a timeout: the I/O timeout
    /// is far beyond the wait.
    @Test(arguments: [false, true])
    func clientDisconnectBeforeAnyOutputKillsTheScript(halfClose: Bool) async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["hangs": Probe.hangs], mount: {
            $0.killGrace = .milliseconds(200)
            $0.ioTimeout = .seconds(120)
        }, logger: capture.logger())
        let connection = try RawConnection(port: site.port)
        try await connection.send("GET /cgi-bin/hangs?silent HTTP/1.1\r\nHost: t\r\n\r\n")
        let pid = try #require(await Processes.readPid(at: site.scriptDirectory + "/silent.pid"))
        #expect(Processes.isAlive(pid))
        // A half-close is the same FIN on the wire (docs/http1.md).
        if halfClose { connection.shutdownWrite() } else { connection.close() }
        #expect(await Processes.waitUntilGone(pid, seconds: 30))
        try await site.stop()
        #expect(capture.records.contains { $0.metadata["status"] == "499" })
    }

    @Test func stderrReachesTheErrorLogTaggedWithTheScript() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["stderr": Probe.stderr], logger: capture.logger())
        let response = try await site.get("/cgi-bin/stderr")
        #expect(response.text == "ok\n")
        try await site.stop()
        let line = capture.records.first { $0.message == "warning from the script" }
        #expect(line?.metadata["script"] == site.scriptDirectory + "/stderr")
        #expect(line?.metadata["stream"] == "stderr")
    }

    /// Stderr is read while the script runs: a script that fills the pipe
    /// before its first byte of output is not stuck on it, every line
    /// reaches the log, and so does a last line with no newline.
    @Test func floodOfStderrBeforeOutputIsLoggedWholeWithoutStallingTheScript() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["flood": Probe.stderrFlood], logger: capture.logger())
        let response = try await site.get("/cgi-bin/flood")
        #expect(response.text == "ok\n")
        try await site.stop()
        let lines = capture.records.filter { $0.metadata["stream"] == "stderr" }.map(\.message)
        #expect(lines.count == 20_001)
        #expect(lines.first == "noise 1")
        #expect(lines.dropLast().last == "noise 20000")
        #expect(lines.last == "unterminated")
    }

    /// Stderr is read without a watch until the script is found still
    /// writing; a line begun before the watch and ended after it is one line.
    @Test func stderrLineBegunBeforeTheWatchIsLoggedWhole() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["split": Probe.stderrLineAcrossTheWatch], logger: capture.logger())
        #expect(try await site.get("/cgi-bin/split").text == "ok\n")
        try await site.stop()
        let lines = capture.records.filter { $0.metadata["stream"] == "stderr" }.map(\.message)
        #expect(lines == ["partial"])
    }

    /// Stderr still open when stdout ends is watched to its end, so what
    /// the script writes there afterwards is logged too.
    @Test func stderrWrittenAfterTheAnswerIsLogged() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["after": Probe.stderrAfterOutput], logger: capture.logger())
        #expect(try await site.get("/cgi-bin/after").text == "ok\n")
        try await site.stop()  // which waits for the request to finish
        let logged = capture.records.first { $0.message == "after the answer" }
        #expect(logged?.metadata["script"] == site.scriptDirectory + "/after")
    }

    /// Reading what is left on stderr when stdout ends is bounded: a writer
    /// that never stops gets the channel and, after the grace period, a
    /// closed pipe; it does not hold the event loop, and the request ends.
    @Test(.timeLimit(.minutes(1))) func endlessStderrAfterTheAnswerDoesNotHoldTheRequest() async throws {
        var quiet = TestLog.logger("hearth.test")
        quiet.logLevel = .critical  // the noise is logged at warning
        // No timeout to end it instead: only the closed pipe can, within the limit.
        let site = try await CGITestSite.start(scripts: ["endless": Probe.endlessStderrAfterOutput], mount: { $0.ioTimeout = .seconds(120) }, logger: quiet)
        #expect(try await site.get("/cgi-bin/endless").text == "ok\n")
        try await site.stop()  // which waits for the request to finish
    }

    /// A script that closes its output before it exits is answered at
    /// once, then reaped when it does exit, with its own status logged.
    @Test func scriptOutlivingItsOutputIsReapedWithItsStatus() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["late": Probe.outlivesOutput], logger: capture.logger())
        #expect(try await site.get("/cgi-bin/late").text == "early\n")
        try await site.stop()
        let exit = capture.records.first { $0.message == "script exited" }
        #expect(exit?.metadata["exit"] == "3")
        // The status is the script's own, so waitpid took it (an ignored
        // SIGCHLD would have let the kernel discard it: no log line).
        #expect(exit?.metadata["stopped"] == "no")
    }

    /// SECURITY.md: "violation → 502 and a log line naming the script".
    @Test func malformedOutputIsLoggedNamingTheScript() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["respond": Probe.respond], logger: capture.logger())
        #expect(try await site.get("/cgi-bin/respond?split").status == 502)
        try await site.stop()
        let line = capture.records.first { $0.metadata["status"] == "502" }
        #expect(line?.level == .error)
        #expect(line?.message.contains(site.scriptDirectory + "/respond") == true)
        #expect(line?.message.contains("X-Evil") == true)
    }

    @Test func overTheCapARequestWaitsThenGets503WithRetryAfter() async throws {
        let site = try await CGITestSite.start(scripts: ["hangs": Probe.hangs], mount: {
            $0.maxConcurrentPerScript = 1
            $0.queueTimeout = .milliseconds(300)
            $0.killGrace = .milliseconds(100)
        })
        let first = try RawConnection(port: site.port)
        try await first.send("GET /cgi-bin/hangs?held HTTP/1.1\r\nHost: t\r\n\r\n")
        let pid = try #require(await Processes.readPid(at: site.scriptDirectory + "/held.pid"))
        let second = try await site.get("/cgi-bin/hangs?refused")
        #expect(second.status == 503)
        #expect(second.header("retry-after") == "1")
        first.close()
        #expect(await Processes.waitUntilGone(pid))
        try await site.stop()
    }

    /// A request over the cap waits in line and runs once a slot frees.
    @Test func overTheCapARequestRunsWhenASlotFrees() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["hangs": Probe.hangs, "echo": Probe.echo], mount: {
            $0.maxConcurrentPerScript = 1
            $0.killGrace = .milliseconds(100)
        }, site: { $0.maxConcurrentScripts = 1 }, logger: capture.logger())
        let first = try RawConnection(port: site.port)
        try await first.send("GET /cgi-bin/hangs?first HTTP/1.1\r\nHost: t\r\n\r\n")
        let pid = try #require(await Processes.readPid(at: site.scriptDirectory + "/first.pid"))
        let waiting = Task { try await site.get("/cgi-bin/echo") }
        #expect(await Processes.eventually { capture.records.contains { $0.message == "waiting for a script slot" } })
        first.close()  // the hanging script is stopped, its slot freed
        #expect(await Processes.waitUntilGone(pid))
        #expect(try await waiting.value.status == 200)
        try await site.stop()
    }
}
