import Foundation
import HearthProcess
import HearthTesting
import Testing

/// `limits:` of a pool (`fcgi_scripts:` here): every worker starts with
/// them, and a worker a limit stops is a crash whose line names it.
@Suite struct WorkerLimitsTests {
    @Test func aSpinningWorkerIsStoppedByItsCPULimitAndTheCrashLineSaysSo() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["spin.fcgi": "#!/bin/sh\nwhile :; do :; done\n"],
            site: { $0.scriptPools = testPool { $0.limits.cpuSeconds = 1; $0.crashLimit = 100 } }, logger: WarmApps.logger(capture))
        let stopped = await Processes.eventually(seconds: 20) {
            capture.records.contains { $0.message.hasPrefix("worker was killed") && $0.metadata["limit"] == "cpu" }
        }
        try await site.stop()
        #expect(stopped, "\(capture.records.map { "\($0.message) \($0.metadata)" })")
    }

    @Test func workersStartWithThePoolsLimits() async throws {
        let site = try await CGITestSite.start(
            scripts: ["idle.fcgi": "#!/bin/sh\nexec sleep 30\n"],
            site: { $0.scriptPools = testPool { $0.limits.openFiles = 40 } })
        let pool = try #require(site.site.workers?.all.values.first)
        let pid = try #require(pool.workerPIDs.first)
        let limits = Confinement.read("/proc/\(pid)/limits") ?? ""
        try await site.stop()
        #expect(Self.fields("Max open files", in: limits) == ["40", "40"])
        #expect(Self.fields("Max core file size", in: limits) == ["0", "0"])
    }

    /// As root with the pids controller: the pool's workers start in the
    /// pool's own group, which is gone after shutdown.
    @Test(.enabled(if: Confinement.controlGroups, "needs root and the memory and pids control groups"))
    func workersStartInThePoolsControlGroup() async throws {
        let site = try await CGITestSite.start(
            scripts: ["idle.fcgi": "#!/bin/sh\nexec sleep 30\n"],
            site: { $0.scriptPools = testPool { $0.limits.processes = 10 } })
        let pool = try #require(site.site.workers?.all.values.first)
        let pid = try #require(pool.workerPIDs.first)
        let group = try #require(site.site.controlGroups?.all.first)
        let cgroup = Confinement.read("/proc/\(pid)/cgroup") ?? ""
        try await site.stop()
        #expect(group.label == "cgi-0-fcgi")
        #expect(cgroup.split(separator: "\n").contains { $0.contains("/hearth-\(getpid())/cgi-0-fcgi") }, "\(cgroup)")
        for path in group.paths { #expect(!Confinement.exists(path)) }
    }

    private static func fields(_ label: String, in text: String) -> [String] {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(label) }) else { return [] }
        return Array(line.dropFirst(label.count).split(separator: " ").prefix(2).map(String.init))
    }
}
