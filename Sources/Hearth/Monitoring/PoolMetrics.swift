import CoreMetrics
import HearthSessions
import HearthWorkers

/// The worker pools' counters (`WorkerPoolObserver`: crashes, restarts,
/// recycling, reloads, rejections), and their gauges, which are not kept
/// up to date on every request but read from the pools when scraped
/// (`sample`): a busy pool pays nothing for them.
final class PoolMetrics: WorkerPoolObserver, Sendable {
    private let factory: any MetricsFactory
    private let failures: FailedRuns

    init(factory: any MetricsFactory, failures: FailedRuns) {
        self.factory = factory
        self.failures = failures
    }

    // Events happen on pools' slow paths; making the handle each time is a
    // registry lookup, and keeps no table here.
    private func counter(_ name: String, _ dimensions: [(String, String)]) -> Counter {
        Counter(label: name, dimensions: dimensions, factory: factory)
    }

    func requestRejected(pool: String, reason: WorkerPoolRejection) {
        counter(MetricNames.poolRejected, [("pool", pool), ("reason", reason.rawValue)]).increment()
    }

    func workerCrashed(pool: String, pid: Int32, how: String, lastOutput: [String]) {
        counter(MetricNames.poolCrashes, [("pool", pool)]).increment()
        failures.add(FailedRun(pool: pool, pid: pid, how: how, lastOutput: lastOutput))
    }

    func workerRestarted(pool: String) {
        counter(MetricNames.poolRestarts, [("pool", pool)]).increment()
    }

    func workerRecycled(pool: String, reason: WorkerRecycling) {
        counter(MetricNames.poolRecycled, [("pool", pool), ("reason", reason.rawValue)]).increment()
    }

    func poolReloaded(pool: String) {
        counter(MetricNames.poolReloads, [("pool", pool)]).increment()
    }

    /// Sets the gauges from the pools as they stand: workers by state,
    /// the queue's depth, whether the pool failed.
    func sample(_ pools: [WorkerPoolSnapshot]) {
        for pool in pools {
            let states = [("busy", pool.busy), ("idle", pool.idle), ("starting", pool.starting)]
            for (state, count) in states {
                Gauge(label: MetricNames.poolWorkers, dimensions: [("pool", pool.name), ("state", state)], factory: factory).record(count)
            }
            Gauge(label: MetricNames.poolQueue, dimensions: [("pool", pool.name)], factory: factory).record(pool.waiting)
            Gauge(label: MetricNames.poolFailed, dimensions: [("pool", pool.name)], factory: factory).record(pool.failure == nil ? 0 : 1)
        }
    }
}

/// The sessions' lock counters (`SessionLockObserver`).
final class SessionMetrics: SessionLockObserver, Sendable {
    private let waits: Counter
    private let timeouts: Counter

    init(factory: any MetricsFactory) {
        waits = Counter(label: MetricNames.lockWaits, dimensions: [], factory: factory)
        timeouts = Counter(label: MetricNames.lockTimeouts, dimensions: [], factory: factory)
    }

    func sessionLockWaited() { waits.increment() }
    func sessionLockTimedOut() { timeouts.increment() }
}
