#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HearthTesting
import Testing

/// How a script's run ends, whatever it leaves behind: a daemon holding
/// its stdout, an interim status, a client that stops reading. Each was a
/// defect of Hearth 6434200 that held the request, the script's zombie or
/// its concurrency slot.
@Suite struct ScriptEndLiveTests {
    /// Kills a daemon a script left, by the pid it wrote (the test's own).
    static func killDaemon(pidFile: String) async {
        if let pid = await Processes.readPid(at: pidFile, seconds: 5) { kill(pid, SIGKILL) }
    }

    /// A script that answers, starts a daemon in a session of its own that
    /// keeps stdout open, and exits: the answer is complete when the script
    /// exits, not when the daemon does (40 s later).
    @Test func aDaemonHoldingStdoutDoesNotHoldTheAnswer() async throws {
        let site = try await CGITestSite.start(scripts: [
            "daemon": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nparent done\\n'\nsetsid sleep 40 &\necho $! > \"$0.daemon\"\necho $$ > \"$0.pid\"\nexit 0\n",
            "quick": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nquick\\n'\n",
        ], site: { $0.maxConcurrentScripts = 1 })
        let base = site.scriptDirectory + "/daemon"
        // The client's receive timeout bounds the wait: 10 s, not the 40 s
        // the daemon sleeps.
        let response = try await rawRequest("GET /cgi-bin/daemon HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: site.port, timeoutSeconds: 10)
        // The only script slot is free again: the next script runs.
        let next = try await site.get("/cgi-bin/quick")
        let scriptPid = await Processes.readPid(at: base + ".pid")
        await Self.killDaemon(pidFile: base + ".daemon")
        try await site.stop()
        #expect(response.status == 200 && response.text == "parent done\n")
        #expect(next.status == 200 && next.text == "quick\n")
        let pid = try #require(scriptPid)
        #expect(await Processes.waitUntilReaped(pid), "the script was reaped")
    }

    /// Timed out while a daemon holds its stdout: after TERM, grace and
    /// KILL the request ends (504 or a cut body), whether or not EOF came.
    @Test func aTimedOutScriptWithADaemonEndsItsRequest() async throws {
        let log = LogCapture()
        let site = try await CGITestSite.start(scripts: [
            "stuck": "#!/bin/sh\nsetsid sleep 40 &\necho $! > \"$0.daemon\"\necho $$ > \"$0.pid\"\nsleep 30\n",
        ], mount: { $0.ioTimeout = .milliseconds(500); $0.killGrace = .milliseconds(200) }, logger: log.logger())
        let base = site.scriptDirectory + "/stuck"
        let response = try await rawRequest("GET /cgi-bin/stuck HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: site.port, timeoutSeconds: 10)
        let scriptPid = await Processes.readPid(at: base + ".pid")
        await Self.killDaemon(pidFile: base + ".daemon")
        try await site.stop()
        #expect(response.status == 504)
        #expect(log.records.contains { $0.message == "script timed out" })
        let pid = try #require(scriptPid)
        #expect(await Processes.waitUntilReaped(pid), "the script was stopped and reaped")
    }

    /// RFC 9110 §15.2: a 1xx is interim; a script's `Status: 101` (or 100,
    /// 103) is no final answer. 502 with a log line naming the script, and
    /// the keep-alive connection goes on with the next request.
    @Test(arguments: ["101 Switching Protocols", "100 Continue", "103 Early Hints"])
    func anInterimStatusFromAScriptIsABadGateway(_ status: String) async throws {
        let log = LogCapture()
        let site = try await CGITestSite.start(scripts: [
            "interim": "#!/bin/sh\nprintf 'Status: \(status)\\nContent-Type: text/plain\\n\\nbody\\n'\n",
            "ok": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nok\\n'\n",
        ], logger: log.logger())
        let connection = try RawConnection(port: site.port, timeoutSeconds: 10)
        try await connection.send("GET /cgi-bin/interim HTTP/1.1\r\nHost: x\r\n\r\nGET /cgi-bin/ok HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try await connection.readResponse()
        let second = try await connection.readResponse()
        try await site.stop()
        #expect(first.status == 502)
        #expect(!first.text.contains("body"))
        #expect(second.status == 200 && second.text == "ok\n")
        #expect(log.records.contains { $0.metadata["status"] == "502" && $0.message.contains("interim") && $0.message.contains("/interim") })
    }

    /// SECURITY.md, send timeout: a client that never reads a script's large
    /// output is cut off; the script is stopped and reaped and its slot
    /// freed, so the next request (waiting for the only slot) runs.
    @Test func aClientThatNeverReadsReleasesTheScriptAndItsSlot() async throws {
        let site = try await CGITestSite.start(scripts: [
            "flood": "#!/bin/sh\necho $$ > \"$0.pid\"\nprintf 'Content-Type: application/octet-stream\\n\\n'\nexec cat /dev/zero\n",
            "quick": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nquick\\n'\n",
        ], mount: { $0.queueTimeout = .seconds(15) }, site: { $0.maxConcurrentScripts = 1; $0.server.sendTimeout = .milliseconds(500) })
        let stalled = try RawConnection(port: site.port)
        try await stalled.send("GET /cgi-bin/flood HTTP/1.1\r\nHost: x\r\n\r\n")
        let pid = await Processes.readPid(at: site.scriptDirectory + "/flood.pid")
        let next = try await rawRequest("GET /cgi-bin/quick HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: site.port, timeoutSeconds: 15)
        try await site.stop()
        stalled.close()
        #expect(next.status == 200 && next.text == "quick\n", "the slot was released")
        let flood = try #require(pid)
        #expect(await Processes.waitUntilReaped(flood), "the script was stopped and reaped")
    }
}
