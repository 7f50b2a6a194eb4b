import Foundation
import HearthTesting
import Testing

/// RFC 3875 §4.2 request bodies and §6.4 response bodies, large and small.
@Suite struct BodyLiveTests {
    /// The body goes into the stdin pipe by plain writes while it has room;
    /// a script slow to read fills it, and the rest waits for room on a
    /// channel (`ScriptStdinPipe`). Not a byte lost or doubled at the switch.
    @Test func bodyLargerThanThePipeReachesASlowReaderIntact() async throws {
        try await Self.expectEchoed(bytes: 1024 * 1024 + 17, by: Probe.slowEcho)
    }

    @Test func twoMegabyteBodyReachesTheScriptIntact() async throws {
        try await Self.expectEchoed(bytes: 2 * 1024 * 1024, by: Probe.echo)
    }

    /// POSTs `count` bytes of the pattern to a script that copies its body
    /// back, and expects every byte back in order.
    private static func expectEchoed(bytes count: Int, by script: String) async throws {
        let site = try await CGITestSite.start(scripts: ["echo": script])
        let body = patternBytes(count)
        let connection = try RawConnection(port: site.port)
        try await connection.send("POST /cgi-bin/echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n")
        try await connection.send(body)
        let response = try await connection.readResponse()
        #expect(response.status == 200)
        #expect(response.body.count == body.count)
        // A Bool, not the arrays: a failed == on megabytes inside #expect
        // makes Swift Testing compute a diff for minutes.
        let intact = response.body == body
        #expect(intact)
        try await site.stop()
    }

    @Test func fiveMegabytesOfOutputArriveIntact() async throws {
        let site = try await CGITestSite.start(scripts: ["big": Probe.big])
        let response = try await site.get("/cgi-bin/big")
        #expect(response.header("transfer-encoding") == "chunked")
        #expect(response.body.count == 5 * 1024 * 1024)
        #expect(response.body.allSatisfy { $0 == UInt8(ascii: "x") })
        try await site.stop()
    }

    /// The cap cuts the body and stops the script: this one ignores
    /// SIGPIPE and outlives its output, so the closed pipe alone does not
    /// end it, and its timeout is far beyond the bound.
    @Test func outputOverTheMountCapIsCutAndTheScriptStopped() async throws {
        let site = try await CGITestSite.start(scripts: ["big": Probe.bigThenLingers], mount: {
            $0.maxOutputBytes = 100_000
            $0.ioTimeout = .seconds(60)
            $0.killGrace = .milliseconds(200)
        }, logger: LogCapture().logger())
        // 30 s: a bound on the reap and close after the kill, which a
        // full run's first seconds once stretched past 10 s.
        let connection = try RawConnection(port: site.port, timeoutSeconds: 30)
        try await connection.send("GET /cgi-bin/big?capped HTTP/1.1\r\nHost: t\r\n\r\n")
        let pid = try #require(await Processes.readPid(at: site.scriptDirectory + "/capped.pid"))
        // A bound, not a speed: a loaded full run once took over 5 s.
        #expect(await Processes.waitUntilGone(pid, seconds: 15), "the script outlived the cap")
        Processes.killSurvivors([pid])
        let bytes = try await connection.readToEnd()
        #expect(bytes.count < 200_000)
        #expect(String(decoding: bytes.prefix(15), as: UTF8.self) == "HTTP/1.1 200 OK")
        try await site.stop()
    }

    /// §4.2: with no body the script reads end of file at once; its stdin
    /// is /dev/null (as Go's net/http/cgi gives it), not a pipe to feed.
    @Test func withoutABodyStdinIsDevNull() async throws {
        let site = try await CGITestSite.start(scripts: ["kind": Probe.stdinKind])
        #expect(try await site.get("/cgi-bin/kind").text == "/dev/null\n")
        try await site.stop()
    }

    /// With a body, stdin is a pipe carrying exactly that body.
    @Test func withABodyStdinIsAPipeCarryingIt() async throws {
        let site = try await CGITestSite.start(scripts: ["kind": Probe.stdinKind])
        let connection = try RawConnection(port: site.port)
        try await connection.send("POST /cgi-bin/kind HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
        let text = try await connection.readResponse().text
        #expect(text.hasPrefix("pipe:["))
        #expect(text.hasSuffix("]\nhello"))
        try await site.stop()
    }

    /// mod_cgid CVE-2014-0231: a script that ignores stdin must not hang the
    /// server while the client is still sending.
    @Test func scriptThatNeverReadsStdinStillAnswers() async throws {
        let site = try await CGITestSite.start(scripts: ["ignores": Probe.ignoresInput])
        let body = patternBytes(1024 * 1024)
        let connection = try RawConnection(port: site.port)
        try await connection.send("POST /cgi-bin/ignores HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n")
        let sending = Task { try? await connection.send(body) }
        let response = try await connection.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "ignored\n")
        sending.cancel()
        // The server is unharmed: the next client is served.
        #expect(try await site.get("/cgi-bin/ignores").status == 200)
        try await site.stop()
    }

    /// A script may leave its stdin to a child that never reads it (§4.2:
    /// it "is not obliged to read any of the data"). Once the script's
    /// answer is out, the body still waiting for room in that pipe is given
    /// up: the request ends and the connection closes, instead of waiting
    /// for the child (here 300 s) to go.
    @Test(.timeLimit(.minutes(1))) func bodyLeftToAChildThatNeverReadsDoesNotHoldTheRequest() async throws {
        let marks = try TemporaryDirectory()
        let site = try await CGITestSite.start(scripts: ["leaves": Probe.leavesStdinToAChild])
        let body = patternBytes(1024 * 1024)
        let connection = try RawConnection(port: site.port, timeoutSeconds: 20)
        try await connection.send("POST /cgi-bin/leaves?\(marks.path)/child HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        let sending = Task { try? await connection.send(body) }
        let response = try await connection.readResponse()
        let child = await Processes.readPid(at: marks.path + "/child.pid")
        defer { if let child { kill(child, SIGKILL) } }
        #expect(response.status == 200)
        #expect(response.text == "left\n")
        #expect(child.map(Processes.isAlive) == true)
        // Within the 20 s receive timeout, not when the child leaves.
        #expect(await connection.waitForPeerClose())
        sending.cancel()
        try await site.stop()
    }

    /// §4.2: transfer-codings are removed and CONTENT_LENGTH set.
    @Test(arguments: [16, 1024 * 1024 + 7])
    func chunkedBodyIsDechunkedWithContentLength(size: Int) async throws {
        let site = try await CGITestSite.start(scripts: ["echo": Probe.echo], mount: { $0.spoolThreshold = 64 * 1024 })
        let body = patternBytes(size)
        var wire = Array("POST /cgi-bin/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8)
        for start in stride(from: 0, to: body.count, by: 100_000) {
            let chunk = body[start..<min(start + 100_000, body.count)]
            wire += Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + [13, 10]
        }
        wire += Array("0\r\n\r\n".utf8)
        let connection = try RawConnection(port: site.port)
        try await connection.send(wire)
        let response = try await connection.readResponse()
        #expect(response.status == 200)
        #expect(response.body.count == body.count)
        let intact = response.body == body
        #expect(intact)
        try await site.stop()
    }

    @Test func chunkedBodyRefusedWith411WhereTheMountSaysSo() async throws {
        let site = try await CGITestSite.start(scripts: ["echo": Probe.echo], mount: { $0.chunkedBodies = .refuse })
        let response = try await site.request("POST /cgi-bin/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(response.status == 411)
        try await site.stop()
    }

    @Test func bodyOverTheMountLimitIs413() async throws {
        let site = try await CGITestSite.start(scripts: ["echo": Probe.echo], mount: { $0.maxBodyBytes = 1000 })
        let response = try await site.request("POST /cgi-bin/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n")
        #expect(response.status == 413)
        let chunked = try await site.request("POST /cgi-bin/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n" + String(repeating: "a", count: 1001) + "\r\n0\r\n\r\n")
        #expect(chunked.status == 413)
        try await site.stop()
    }

    @Test func expectContinueGetsInterimResponseBeforeTheBody() async throws {
        let site = try await CGITestSite.start(scripts: ["echo": Probe.echo])
        let connection = try RawConnection(port: site.port)
        try await connection.send("POST /cgi-bin/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let interim = try await connection.readResponse()
        #expect(interim.status == 100)
        try await connection.send("hello")
        let final = try await connection.readResponse()
        #expect(final.status == 200)
        #expect(final.text == "hello")
        try await site.stop()
    }
}
