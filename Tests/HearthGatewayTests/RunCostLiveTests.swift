import Foundation
import Glibc
import HearthHTTP
import HearthProcess
import HearthTesting
import Testing

/// Issue 22, "what each run cost": wall time, user and system CPU, peak RSS
/// and the exit status or signal of every CGI run, from its reap; in the
/// access log (`%{cpu}`, `%{maxrss}`, ...), in the error-log line of a
/// failed run, and in the process-wide totals (`RunCosts`).
@Suite struct RunCostLiveTests {
    /// The notes, in an order the tests read by position.
    static let format = try! AccessLogFormat(parsing: "%U %{script} %{cpu} %{cpu_user} %{cpu_system} %{maxrss} %{wall} %{exit}n %{signal}n")

    struct Cost {
        var path, script: String
        var cpu, user, system: Double
        var maxrssKiB: Int
        var wall: Double
        var exit, signal: String

        init?(_ line: String) {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 9, let cpu = Double(fields[2]), let user = Double(fields[3]), let system = Double(fields[4]),
                let maxrss = Int(fields[5]), let wall = Double(fields[6])
            else { return nil }
            (path, script, self.cpu, self.user, self.system, maxrssKiB, self.wall, exit, signal) =
                (fields[0], fields[1], cpu, user, system, maxrss, wall, fields[7], fields[8])
        }
    }

    /// The script burns at least 300 ms of CPU, measured by itself, and
    /// prints its own count from /proc just before it exits: what the
    /// kernel charged it (utime, stime) and the children it waited for
    /// (cutime, cstime; `getconf` here), as wait4's rusage counts too.
    @Test func cpuOfAScriptThatBurnsAKnownAmountMatchesProc() async throws {
        let log = MemoryAccessLog()
        let site = try await CGITestSite.start(scripts: ["burn": Self.burn], site: { $0.accessLogFormat = Self.format }, accessLog: log)
        let response = try await site.get("/cgi-bin/burn")
        try await site.stop()
        #expect(response.status == 200)
        let ticks = response.text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        try #require(ticks.count == 4, "the script's /proc count: \(response.text)")
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        let proc = ticks.reduce(0, +) / hertz

        let line = try #require(log.entries.first)
        let cost = try #require(Cost(line), "not the test's format: \(line)")
        #expect(cost.script == site.scriptDirectory + "/burn")
        #expect(proc >= 0.3)
        // /proc counts in ticks (10 ms), rusage in microseconds; the script
        // prints a line and exits after its last look.
        #expect(abs(cost.cpu - proc) <= 0.05, "access log \(cost.cpu) s, /proc \(proc) s")
        #expect(abs(cost.user + cost.system - cost.cpu) <= 0.0021)
        // One thread: no more CPU than time passed.
        #expect(cost.wall >= cost.cpu - 0.01)
        #expect(cost.exit == "0")
        #expect(cost.signal == "-")

        let totals = try #require(RunCosts.shared.snapshot()[RunCosts.Key(.cgi, site.scriptDirectory + "/burn")])
        #expect(totals.runs == 1)
        #expect(totals.failures == 0)
        #expect(abs(Double(totals.cpu.components.seconds) + Double(totals.cpu.components.attoseconds) / 1e18 - cost.cpu) <= 0.0011)
    }

    /// ru_maxrss of the reap covers the children the script waited for:
    /// `dd` reads into one buffer from /dev/zero, touching every page.
    ///
    /// The buffer is 64 MiB more than this process's own peak: a script is
    /// started by a clone that shares the server's memory until its exec,
    /// and the kernel counts that memory as the script's starting peak
    /// (exec_mmap's `setmax_mm_hiwater_rss` on the old mm). The server runs
    /// in this process, so its peak is the floor any run reports; only a
    /// run that really touched more than the floor can pass.
    @Test func peakResidentSetOfAScriptThatTouches64MiBMoreThanTheServerIsCounted() async throws {
        let log = MemoryAccessLog()
        let site = try await CGITestSite.start(scripts: ["touch": Self.touches], site: { $0.accessLogFormat = Self.format }, accessLog: log)
        let floorKiB = try #require(Self.peakResidentKiB())
        let touchKiB = floorKiB + 64 * 1024
        #expect(try await site.get("/cgi-bin/touch?\(touchKiB)").text == "touched\n")
        try await site.stop()
        let line = try #require(log.entries.first)
        let cost = try #require(Cost(line), "not the test's format: \(line)")
        #expect(cost.maxrssKiB >= touchKiB, "\(line); the server's peak was \(floorKiB) KiB")
        // KiB, not bytes.
        #expect(cost.maxrssKiB < touchKiB + 1024 * 1024, "\(line)")
    }

    /// VmHWM of this process (the server's), in KiB.
    static func peakResidentKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        return line.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) }
    }

    /// A request that ran no script has no cost: `-`, not a zero that
    /// would read as a script that cost nothing.
    @Test func staticFileHasNoCostFields() async throws {
        let log = MemoryAccessLog()
        let site = try await CGITestSite.start(scripts: [:], site: { $0.accessLogFormat = Self.format }, accessLog: log)
        try "hello\n".write(toFile: site.documentRoot + "/a.txt", atomically: false, encoding: .utf8)
        #expect(try await site.get("/a.txt").text == "hello\n")
        try await site.stop()
        #expect(log.entries == ["/a.txt - - - - - - - -"])
    }

    @Test(arguments: [
        ("exit 3", "exit=3"),
        ("kill -KILL $$", "signal=9"),
    ])
    func failedRunIsLoggedWithItsCost(ending: String, outcome: String) async throws {
        let (key, value) = (String(outcome.split(separator: "=")[0]), String(outcome.split(separator: "=")[1]))
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["fails": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nbye\\n'\n\(ending)\n"], logger: capture.logger()
        )
        // Read to the end, not parsed: the answer of a script killed by a
        // signal is a 502 or cut off, by when its death is seen
        // (RelayContractTests); only its log line is this test's business.
        let connection = try RawConnection(port: site.port)
        try await connection.send("GET /cgi-bin/fails HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(try await connection.readToEnd().starts(with: Array("HTTP/1.1 ".utf8)))
        connection.close()
        try await site.stop()
        let line = try #require(capture.records.first { $0.message == "script exited" })
        #expect(line.metadata[key] == value)
        #expect(line.metadata[key == "exit" ? "signal" : "exit"] == nil)
        #expect(line.metadata["stopped"] == "no")
        #expect(line.metadata["script"] == site.scriptDirectory + "/fails")
        Self.expectCostFields(line)
    }

    /// A script stopped by its timeout is a failed run whatever its exit.
    @Test func scriptStoppedByItsTimeoutIsLoggedWithItsCost() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["hangs": "#!/bin/sh\nexec sleep 1000\n"], mount: {
            $0.ioTimeout = .milliseconds(500)
            $0.killGrace = .milliseconds(100)
        }, logger: capture.logger())
        #expect(try await site.get("/cgi-bin/hangs").status == 504)
        try await site.stop()
        let line = try #require(capture.records.first { $0.message == "script exited" })
        #expect(line.metadata["stopped"] == "timedOut")
        #expect(line.metadata["signal"] == "15")
        Self.expectCostFields(line)
        #expect(Double(line.metadata["wall"] ?? "") ?? 0 >= 0.5)
    }

    /// A successful run is not an error: no line.
    @Test func successfulRunLogsNoFailureLine() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["ok": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nok\\n'\n"], logger: capture.logger())
        #expect(try await site.get("/cgi-bin/ok").text == "ok\n")
        try await site.stop()
        #expect(!capture.records.contains { $0.message == "script exited" })
    }

    static func expectCostFields(_ line: LogCapture.Record, sourceLocation: SourceLocation = #_sourceLocation) {
        for key in ["wall", "cpu", "cpu_user", "cpu_system"] {
            #expect(line.metadata[key].flatMap(Double.init) != nil, "\(key): \(line.metadata)", sourceLocation: sourceLocation)
        }
        #expect(line.metadata["maxrss"].flatMap(Int.init).map { $0 > 0 } == true, "\(line.metadata)", sourceLocation: sourceLocation)
    }

    static let burn = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\n'
    enough=$(( $(getconf CLK_TCK) * 3 / 10 ))
    while :; do
        i=0
        while [ $i -lt 2000 ]; do i=$((i + 1)); done
        read -r line < /proc/$$/stat
        set -- ${line##*) }
        [ $(( ${12} + ${13} )) -ge $enough ] && break
    done
    echo "${12} ${13} ${14} ${15}"
    """

    /// Touches $QUERY_STRING KiB in a child.
    static let touches = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\n'
    dd if=/dev/zero of=/dev/null bs="${QUERY_STRING}K" count=1 iflag=fullblock 2>/dev/null
    echo touched
    """
}
