import Foundation
import Hearth
import HearthGateway
import HearthProcess
import HearthTesting
import Testing

/// `limits:` on a live server: each limit stops a script that runs into
/// it, the request is answered 500, the error log names the limit, and
/// the server and other requests are unaffected (docs/security.md).
@Suite struct LimitsLiveTests {
    /// The hard core limit too: the soft one may be 0 already where the
    /// tests run, and the test must be able to fail there.
    static let ulimits = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nulimit -c\nulimit -Hc\nulimit -t\n"

    @Test func scriptsNeverDumpCoreByDefault() async throws {
        let site = try await CGITestSite.start(scripts: ["ulimits.sh": Self.ulimits])
        let response = try await site.get("/cgi-bin/ulimits.sh")
        try await site.stop()
        #expect(response.status == 200)
        #expect(response.text == "0\n0\nunlimited\n")
    }

    @Test func aCPUSpinIsStoppedByItsCPULimit() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["spin.sh": "#!/bin/sh\nwhile :; do :; done\n", "ulimits.sh": Self.ulimits],
            mount: { $0.limits.cpuSeconds = 1 }, logger: capture.logger())
        let limits = try await site.get("/cgi-bin/ulimits.sh")
        let spin = try await site.get("/cgi-bin/spin.sh")
        try await site.stop()
        #expect(limits.text == "0\n0\n1\n")
        #expect(spin.status == 500)
        let line = capture.records.first { $0.message == "script exited" && $0.metadata["script"]?.hasSuffix("spin.sh") == true }
        #expect(line?.metadata["limit"] == "cpu")
        #expect(line?.metadata["signal"] == "\(SIGXCPU)")
    }

    /// Killed by its limit after part of a streamed body: the response is
    /// cut off (no last chunk), never ended as if it were whole.
    @Test func aScriptKilledMidBodyHasItsResponseCutOff() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["halfway.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nfirst half\\n'\nwhile :; do :; done\n"],
            mount: { $0.limits.cpuSeconds = 1 }, logger: capture.logger())
        let connection = try RawConnection(port: site.port)
        try await connection.send("GET /cgi-bin/halfway.sh HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = String(decoding: try await connection.readToEnd(), as: UTF8.self)
        connection.close()
        try await site.stop()
        // Seen once under a loaded full run: a 500, as if the script had
        // written nothing before its limit killed it. The log says what
        // the gateway saw, should it come again.
        let log = capture.records.map { "\($0.message) \($0.metadata)" }
        #expect(answer.hasPrefix("HTTP/1.1 200 "), "\(log)")
        #expect(answer.contains("first half\n"))
        #expect(!answer.hasSuffix("0\r\n\r\n"), "no last chunk: \(answer.debugDescription)")
        #expect(capture.records.contains { $0.message.contains("killed by signal \(SIGXCPU) before the end of its answer") })
    }

    @Test func aScriptWritingTooLargeAFileIsStoppedByFileSize() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["big.sh": "#!/bin/sh\nexec head -c 3000000 /dev/zero > big.out\n"],
            mount: { $0.limits.fileSizeBytes = 1 << 20 }, logger: capture.logger())
        let response = try await site.get("/cgi-bin/big.sh")
        try await site.stop()
        #expect(response.status == 500)
        let line = capture.records.first { $0.message == "script exited" }
        #expect(line?.metadata["limit"] == "file_size")
        #expect(line?.metadata["signal"] == "\(SIGXFSZ)")
    }
}

/// The caps of a mount's control group, as root on a host with the memory
/// and pids controllers (CI): `memory` and `processes`.
@Suite(.enabled(if: Confinement.controlGroups, "needs root and the memory and pids control groups"))
struct ControlGroupLimitsLiveTests {
    /// One process above its address space: the allocation fails and the
    /// script exits, an exit like any other (`limit: none`); no kill.
    @Test func aMemoryHogsAllocationFails() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["hog.py": "#!/usr/bin/python3\nx = b'a' * (200 << 20)\nprint('Content-Type: text/plain\\n\\nsurvived')\n"],
            mount: { $0.limits.memoryBytes = 64 << 20 }, logger: capture.logger())
        let response = try await site.get("/cgi-bin/hog.py")
        let group = try #require(site.site.controlGroups?.all.first)
        let kills = group.counters().memoryKills
        try await site.stop()
        #expect(response.status == 500)
        #expect(!response.text.contains("survived"))
        #expect(kills == 0)
        let line = capture.records.first { $0.message == "script exited" }
        #expect(line?.metadata["exit"] == "1")
        #expect(line?.metadata["limit"] == "none")
        #expect(capture.records.contains { $0.metadata["stream"] == "stderr" && $0.message.contains("MemoryError") })
    }

    /// Four children, each within its address space, together above the
    /// mount's memory: the kernel kills one inside the group, and the
    /// line says `memory`.
    @Test func childrenTogetherAboveTheMountsMemoryAreKilled() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["hogs.py": Self.hogs], mount: { $0.limits.memoryBytes = 64 << 20 }, logger: capture.logger())
        let response = try await site.get("/cgi-bin/hogs.py")
        let group = try #require(site.site.controlGroups?.all.first)
        let kills = group.counters().memoryKills
        let paths = group.paths
        try await site.stop()
        #expect(response.status == 500)
        #expect(kills > 0)
        let line = capture.records.first { $0.message == "script exited" }
        #expect(line?.metadata["limit"] == "memory", "\(String(describing: line))")
        for path in paths { #expect(!Confinement.exists(path), "\(path) removed at shutdown") }
    }

    /// `cpu_quota: 20%`: a script that spins for one second of wall time
    /// gets about a fifth of a second of CPU, throttled, not killed.
    @Test(.enabled(if: ControlGroups().offers("cpu"), "needs the cpu controller"))
    func aCPUQuotaThrottlesTheMountsScripts() async throws {
        let site = try await CGITestSite.start(
            scripts: ["spin.py": "#!/usr/bin/python3\nimport os, time\nend = time.monotonic() + 1.0\nwhile time.monotonic() < end: pass\nt = os.times()\nprint('Content-Type: text/plain\\n')\nprint(t.user + t.system)\n"],
            mount: { $0.limits.cpuQuotaPercent = 20 })
        let response = try await site.get("/cgi-bin/spin.py")
        let group = try #require(site.site.controlGroups?.all.first)
        let quota = group.paths.compactMap { try? String(contentsOfFile: $0 + "/cpu.cfs_quota_us", encoding: .utf8) }.first
        try await site.stop()
        #expect(response.status == 200)
        #expect(quota?.trimmingCharacters(in: .whitespacesAndNewlines) == "20000")
        let cpu = Double(response.text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .infinity
        #expect(cpu < 0.5, "a second of spinning at 20 % took \(cpu) s of CPU")
    }

    static let hogs = """
        #!/usr/bin/python3
        import os, sys, time
        children = []
        for _ in range(4):
            pid = os.fork()
            if pid == 0:
                os.close(1)
                data = b'a' * (24 << 20)
                time.sleep(1)
                os._exit(0)
            children.append(pid)
        killed = [pid for pid in children if os.WIFSIGNALED(os.waitpid(pid, 0)[1])]
        sys.exit(1 if killed else 0)

        """

    /// A fork loop of 200 children stopped at the mount's 20 processes (as
    /// root RLIMIT_NPROC binds nothing: the group's pids cap does), while a
    /// request to another mount is answered as usual.
    @Test func aForkLoopIsStoppedByTheMountsProcesses() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["forks.py": Self.forks, "hello.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhello'\n"],
            mount: { $0.limits.processes = 20 },
            site: { configuration in
                var other = configuration.cgiMounts[0]
                other.urlPath = "/other"
                other.limits = ProcessLimits()
                configuration.cgiMounts.append(other)
            },
            logger: capture.logger())
        let group = try #require(site.site.controlGroups?.all.first)
        let pids = try #require(group.paths.first)
        let forks = Task { try await site.get("/cgi-bin/forks.py") }
        #expect(await Processes.eventually { group.counters().processRefusals > 0 })
        let other = try await site.get("/other/hello.sh")
        let response = try await forks.value
        let peak = Confinement.read(pids + "/pids.peak").flatMap { Int($0) }
        try await site.stop()
        #expect(other.status == 200 && other.text == "hello")
        #expect(response.status == 500)
        #expect((peak ?? 0) <= 20)
        let line = capture.records.first { $0.message == "script exited" && $0.metadata["script"]?.hasSuffix("forks.py") == true }
        #expect(line?.metadata["limit"] == "processes", "\(String(describing: line))")
        #expect(!Confinement.exists(pids), "the group is removed at shutdown, its leftover children killed")
    }

    static let forks = """
        #!/usr/bin/python3
        import os, time
        for _ in range(200):
            if os.fork() == 0:
                os.closerange(0, 3)
                time.sleep(2)
                os._exit(0)

        """
}
