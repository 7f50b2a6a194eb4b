import Foundation
import Glibc
import HearthProcess
import HearthTesting
import HearthWorkers
import Testing

/// How a pool supervises its workers: the queue, the busy timeout, crash
/// loops, reloads (issue 5, "Pools").
@Suite("Worker pool supervision", .serialized)
struct PoolSupervisionTests {
    @Test("with every worker busy, a request waits its queue timeout, then 503 with Retry-After")
    func queueTimeout() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["counter.fcgi": WarmApps.perlCounter],
            site: { $0.scriptPools = testPool { $0.queueTimeout = .milliseconds(300) } }, logger: WarmApps.logger(capture))
        // The worker is up before the test holds it. On a loaded machine
        // Perl's start alone can outlast a 300 ms queue timeout, and that
        // first request is then rightly refused: ask until one is served.
        #expect(await Processes.eventually(seconds: 30, asking: { (try? await site.get("/cgi-bin/counter.fcgi").status) == 200 }))
        let marks = try TemporaryDirectory()
        async let busy = site.get("/cgi-bin/counter.fcgi?mark=\(marks.path)/busy&sleep=2")
        #expect(await Processes.readPid(at: marks.path + "/busy") != nil)
        let refused = try await site.get("/cgi-bin/counter.fcgi")
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(try await busy.status == 200)
        try await site.stop()
        #expect(capture.records.contains { $0.message.contains("no free worker within the queue timeout") })
    }

    @Test("with the line full (max_queue), a request is answered 503 at once, and the log says why")
    func queueFull() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["counter.fcgi": WarmApps.perlCounter],
            site: { $0.scriptPools = testPool { $0.maxQueue = 0; $0.queueTimeout = .seconds(30) } }, logger: WarmApps.logger(capture))
        #expect(try await site.get("/cgi-bin/counter.fcgi").status == 200)  // worker up, as above
        let marks = try TemporaryDirectory()
        async let busy = site.get("/cgi-bin/counter.fcgi?mark=\(marks.path)/busy&sleep=2")
        #expect(await Processes.readPid(at: marks.path + "/busy") != nil)
        let started = ContinuousClock.now
        let refused = try await site.get("/cgi-bin/counter.fcgi")
        #expect(refused.status == 503)
        // At once, not after the 30 s queue timeout; the margin is for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(try await busy.status == 200)
        try await site.stop()
        #expect(capture.records.contains { $0.message.contains("(max_queue)") })
    }

    @Test("a request over the busy timeout is answered 504 and its worker killed; the next one gets a fresh worker")
    func busyTimeout() async throws {
        let site = try await CGITestSite.start(
            scripts: ["counter.fcgi": WarmApps.perlCounter],
            site: { $0.scriptPools = testPool { $0.busyTimeout = .milliseconds(500) } })
        let pid = try #require(try await site.get("/cgi-bin/counter.fcgi").workerPID)
        let hung = try await site.get("/cgi-bin/counter.fcgi?sleep=30")
        #expect(hung.status == 504)
        #expect(await Processes.waitUntilGone(pid))
        let next = try await site.get("/cgi-bin/counter.fcgi")
        #expect(next.status == 200)
        #expect(next.workerPID != pid)
        try await site.stop()
    }

    @Test("a program that does not speak FastCGI: 502 naming the protocol error, and the site keeps serving")
    func notFastCGI() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["http.fcgi": WarmApps.perlNotFastCGI, "counter.fcgi": WarmApps.perlCounter],
            site: { $0.scriptPools = testPool() }, logger: WarmApps.logger(capture))
        let response = try await site.get("/cgi-bin/http.fcgi")
        #expect(response.status == 502)
        #expect(!response.text.contains("hello"))
        #expect(try await site.get("/cgi-bin/counter.fcgi").status == 200)
        try await site.stop()
        #expect(capture.records.contains { $0.message.contains("FastCGI protocol error") && $0.message.contains("unsupportedVersion(72)") })
    }

    @Test("a worker that keeps crashing fails the pool: 503, and the log says why (its last stderr line)")
    func crashLoop() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["broken.fcgi": WarmApps.perlBroken],
            site: { $0.scriptPools = testPool { $0.crashLimit = 3; $0.queueTimeout = .seconds(5) } }, logger: WarmApps.logger(capture))
        let pool = try #require(site.site.workers?.all.values.first)
        #expect(await Processes.eventually { pool.failure != nil })
        #expect(pool.failure?.contains("exited with status 3") == true)
        #expect(pool.failure?.contains("cannot open /etc/app.conf") == true)
        let response = try await site.get("/cgi-bin/broken.fcgi")
        #expect(response.status == 503)
        #expect(!response.text.contains("app.conf"))  // the reason is for the log, not the client
        try await site.stop()
        #expect(capture.records.contains { $0.level == .critical && $0.message.contains("crash loop") })
        // Each crash's line says what the worker's life cost (issue 22).
        let crash = try #require(capture.records.first { $0.level == .error && $0.message == "worker exited with status 3" })
        #expect(crash.metadata["exit"] == "3")
        for key in ["wall", "cpu", "cpu_user", "cpu_system"] {
            #expect(crash.metadata[key].flatMap(Double.init) != nil, "\(key): \(crash.metadata)")
        }
        #expect(crash.metadata["maxrss"].flatMap(Int.init).map { $0 > 0 } == true)
        let totals = RunCosts.shared.snapshot()[RunCosts.Key(.worker, pool.name)]
        #expect((totals?.failures ?? 0) >= 3)
    }

    @Test("SIGHUP-style reload under load: a new generation starts, the old drains, no request fails")
    func reloadUnderLoad() async throws {
        let site = try await CGITestSite.start(
            scripts: ["counter.fcgi": WarmApps.perlCounter],
            site: { $0.scriptPools = testPool { $0.minProcesses = 2; $0.maxProcesses = 4 } })
        let pool = try #require(site.site.workers?.all.values.first)
        let before = Set(pool.workerPIDs)
        let port = site.port
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var seen: [Int] = []
                    for _ in 0..<40 { seen.append(try await rawRequest("GET /cgi-bin/counter.fcgi?sleep=0.01 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: port).status) }
                    return seen
                }
            }
            for _ in 0..<3 {
                try await Task.sleep(for: .milliseconds(150))  // spacing between reloads, not a readiness wait
                site.site.workers?.reload()
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(statuses.count == 160)
        #expect(statuses.allSatisfy { $0 == 200 }, "statuses: \(Dictionary(grouping: statuses) { $0 }.mapValues(\.count))")
        for pid in before { #expect(await Processes.waitUntilGone(pid)) }
        #expect(Set(pool.workerPIDs).isDisjoint(with: before))
        try await site.stop()
    }

    @Test("replacing the program file on disk reloads its pool")
    func reloadOnChange() async throws {
        let site = try await CGITestSite.start(scripts: ["counter.fcgi": WarmApps.perlCounter], site: { $0.scriptPools = testPool() })
        let old = try #require(try await site.get("/cgi-bin/counter.fcgi").workerPID)
        let path = site.scriptDirectory + "/counter.fcgi"
        let replacement = path + ".new"
        try (WarmApps.perlCounter + "\n# v2\n").write(toFile: replacement, atomically: false, encoding: .utf8)
        chmod(replacement, 0o755)
        rename(replacement, path)
        #expect(await Processes.waitUntilGone(old))
        let next = try await site.get("/cgi-bin/counter.fcgi")
        #expect(next.status == 200)
        #expect(next.workerPID != old)
        try await site.stop()
    }

    @Test("idle workers above the minimum are stopped after the idle timeout")
    func idleReaping() async throws {
        let site = try await CGITestSite.start(
            scripts: ["counter.fcgi": WarmApps.perlCounter],
            site: { $0.scriptPools = testPool { $0.maxProcesses = 3; $0.idleTimeout = .milliseconds(500) } })
        let pool = try #require(site.site.workers?.all.values.first)
        let port = site.port
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { _ = try await rawRequest("GET /cgi-bin/counter.fcgi?sleep=0.5 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: port) } }
            try await group.waitForAll()
        }
        #expect(pool.workerPIDs.count == 3)
        #expect(await Processes.eventually { pool.workerPIDs.count == 1 })
        try await site.stop()
    }

    @Test("a worker is replaced after max_requests requests")
    func recycling() async throws {
        let site = try await CGITestSite.start(scripts: ["counter.fcgi": WarmApps.perlCounter], site: { $0.scriptPools = testPool { $0.maxRequests = 2 } })
        let first = try await site.get("/cgi-bin/counter.fcgi")
        let second = try await site.get("/cgi-bin/counter.fcgi")
        let third = try await site.get("/cgi-bin/counter.fcgi")
        #expect(first.workerPID == second.workerPID)
        #expect(third.workerPID != first.workerPID)
        #expect(third.text.hasPrefix("count=1 "))
        try await site.stop()
    }
}
