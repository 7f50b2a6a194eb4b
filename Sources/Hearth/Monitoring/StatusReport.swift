import Foundation
import HearthHTTP
import HearthWorkers

/// Everything `/server-status` shows, read at once: the HTML page, the
/// JSON (`?json`) and mod_status's lines (`?auto`) are three renderings of
/// this one value. JSON keys are its names in snake case.
struct StatusReport: Codable, Sendable {
    struct Configuration: Codable, Sendable {
        /// The config file, or nil when flags and defaults alone made it.
        var file: String?
        var loaded: Date?
    }

    struct Totals: Codable, Sendable {
        var requests: Int
        var bodyBytes: Int
        var durationSeconds: Double
        var openConnections: Int
        var busyConnections: Int
    }

    struct Mount: Codable, Sendable {
        var mount: String
        var requests: Int
        var errors: Int
        var averageMilliseconds: Double
    }

    struct Pool: Codable, Sendable {
        struct Worker: Codable, Sendable {
            var pid: Int32
            var state: String
            var requests: Int
            var rssBytes: Int?
            var ageSeconds: Double
        }

        var name: String
        var minProcesses: Int
        var maxProcesses: Int
        var starting: Int
        var waiting: Int
        var failure: String?
        var workers: [Worker]
    }

    /// The cold scripts' slots: every queue a request can wait in is on
    /// the page, these and each pool's.
    struct ScriptSlots: Codable, Sendable {
        var running: Int
        var capacity: Int
        var waiting: Int
    }

    var version: String
    var started: Date
    var uptimeSeconds: Double
    var configuration: Configuration
    var totals: Totals
    var mounts: [Mount]
    var inFlight: [InFlightRequest]
    var scriptSlots: ScriptSlots?
    var pools: [Pool]
    var failures: [FailedRun]
}

extension Monitoring {
    /// The report as things stand.
    func statusReport(now: ContinuousClock.Instant = .now) -> StatusReport {
        let serving = current
        let tallies = (allMounts() + [connections.unroutedMetrics]).map(\.requests.snapshot)
        let counts = connections.counts()
        return StatusReport(
            version: HearthVersion.number, started: startedAt, uptimeSeconds: (now - started).seconds,
            configuration: .init(file: serving?.configurationFile, loaded: serving?.loadedAt),
            totals: .init(
                requests: tallies.map(\.requests).reduce(0, +), bodyBytes: tallies.map(\.bytes).reduce(0, +),
                durationSeconds: tallies.map(\.total.seconds).reduce(0, +), openConnections: counts.open, busyConnections: counts.busy
            ),
            mounts: mountReports(), inFlight: connections.inFlight(now: now),
            scriptSlots: (serving?.site.scriptSlots).map { .init(running: $0.running, capacity: $0.maxTotal, waiting: $0.waiting) },
            pools: (serving?.site.workers?.snapshots() ?? []).map(Self.poolReport), failures: failures.newestFirst
        )
    }

    /// Every mount that has a prefix, and `(none)` once a request reached
    /// no mount.
    private func mountReports() -> [StatusReport.Mount] {
        let unrouted = connections.unroutedMetrics.requests.snapshot.requests > 0 ? [connections.unroutedMetrics] : []
        return (allMounts() + unrouted).map { metrics in
            let (requests, errors, _, total) = metrics.requests.snapshot
            let average = requests == 0 ? 0 : total.seconds * 1000 / Double(requests)
            return StatusReport.Mount(mount: metrics.mount, requests: requests, errors: errors, averageMilliseconds: (average * 1000).rounded() / 1000)
        }
    }

    private static func poolReport(_ pool: WorkerPoolSnapshot) -> StatusReport.Pool {
        StatusReport.Pool(
            name: pool.name, minProcesses: pool.minProcesses, maxProcesses: pool.maxProcesses, starting: pool.starting, waiting: pool.waiting,
            failure: pool.failure,
            workers: pool.workers.map { .init(pid: $0.pid, state: $0.state, requests: $0.requests, rssBytes: $0.residentBytes, ageSeconds: $0.age.seconds) }
        )
    }

    /// What is not ready, in words; empty when the site server accepts
    /// connections and every pool is up (not failed, and running a worker
    /// if it keeps a minimum). `/readyz`.
    func unready() -> [String] {
        guard let serving = current else { return ["the site is not being served yet"] }
        var problems: [String] = serving.server.isAccepting ? [] : ["the site's listener is not accepting connections"]
        for pool in serving.site.workers?.snapshots() ?? [] {
            if let failure = pool.failure {
                problems.append("pool \(pool.name) failed: \(failure)")
            } else if pool.minProcesses > 0 && pool.workers.isEmpty {
                problems.append("pool \(pool.name) has no worker running")
            }
        }
        return problems
    }
}
