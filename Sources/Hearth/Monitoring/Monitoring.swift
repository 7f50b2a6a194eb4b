import CoreMetrics
import Foundation
import HearthHTTP
import Prometheus
import Synchronization

/// What the admin listener shows, kept for the life of the process: one
/// Prometheus registry with every series, and the status page's state.
/// `hearth serve` makes one when `admin:` is configured; a test makes its
/// own, with a registry of its own. The site builder hands its parts to
/// the site's layers (`SiteBuilder.monitoring`); a site built again (a
/// reload) is given the same one, so every count carries over.
public final class Monitoring: Sendable {
    /// Where the series live; `/metrics` renders it.
    public let registry: PrometheusCollectorRegistry
    let factory: any MetricsFactory
    let startedAt = Date()
    let started = ContinuousClock.now
    let failures = FailedRuns()
    let scripts: ScriptSeriesTable
    let connections: ConnectionTable
    let pools: PoolMetrics
    let sessions: SessionMetrics
    private let mounts = Mutex<[String: MountMetrics]>([:])
    private let serving = Mutex<Serving?>(nil)

    /// What is being served: set at start; a reload swaps the live site's
    /// current site and says when (`configurationLoaded`).
    struct Serving: Sendable {
        var live: LiveSite
        var server: HTTPServer
        var configurationFile: String?
        var loadedAt: Date

        var site: Site { live.current }
    }

    /// Series are made through `factory`: by default a Prometheus factory
    /// on `registry` (`prometheusFactory`). `hearth serve` bootstraps
    /// swift-metrics' `MetricsSystem` with that factory and passes
    /// `MetricsSystem.factory`, so anything else in the process that counts
    /// through swift-metrics lands in the same registry.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), factory: (any MetricsFactory)? = nil) {
        let factory = factory ?? Self.prometheusFactory(registry: registry)
        self.registry = registry
        self.factory = factory
        self.scripts = ScriptSeriesTable(factory: factory)
        self.pools = PoolMetrics(factory: factory, failures: failures)
        self.sessions = SessionMetrics(factory: factory)
        self.connections = ConnectionTable(
            factory: factory, unrouted: MountMetrics(mount: MetricNames.noMount, factory: factory, scripts: scripts, failures: failures)
        )
        Gauge(label: MetricNames.buildInfo, dimensions: [("version", HearthVersion.number)], factory: factory).record(1)
        Gauge(label: MetricNames.startTime, dimensions: [], factory: factory).record(startedAt.timeIntervalSince1970)
    }

    /// Request and run times, in seconds: from half a millisecond (a hot
    /// handler's answer) to ten seconds.
    static let durationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// A Prometheus factory on `registry` with Hearth's buckets: times as
    /// `durationBuckets`, peak memory from 1 MiB to 1 GiB.
    public static func prometheusFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets.map { Duration.nanoseconds(Int64($0 * 1e9)) }
        factory.valueHistogramBuckets[MetricNames.cgiMaxRSS] = (0...10).map { Double((1 << 20) << $0) }
        return factory
    }

    /// The mount's series and tallies, the same object for a prefix
    /// whichever site asks.
    func mount(_ prefix: String) -> MountMetrics {
        mounts.withLock { mounts in
            if let found = mounts[prefix] { return found }
            let made = MountMetrics(mount: prefix, factory: factory, scripts: scripts, failures: failures)
            mounts[prefix] = made
            return made
        }
    }

    /// Requests counted so far. A request is counted once its response is
    /// done, a moment after its last byte went out: a client that scrapes
    /// right after an answer may not see it yet; this says when it will.
    public var requestsCounted: Int { (allMounts() + [connections.unroutedMetrics]).map(\.requests.snapshot.requests).reduce(0, +) }

    /// Every mount's series, by prefix.
    func allMounts() -> [MountMetrics] {
        mounts.withLock { $0.values.sorted { $0.mount < $1.mount } }
    }

    /// The site server's observer: give it to its `HTTPServer`.
    public var serverObserver: any HTTPServerObserver { connections }

    /// Records what is served, from which config file, loaded now.
    public func serve(_ live: LiveSite, on server: HTTPServer, configurationFile: String?) {
        serving.withLock { $0 = Serving(live: live, server: server, configurationFile: configurationFile, loadedAt: Date()) }
    }

    /// A reload put a site built from `file` in place: the status page
    /// says when.
    public func configurationLoaded(from file: String?) {
        serving.withLock { serving in
            serving?.configurationFile = file
            serving?.loadedAt = Date()
        }
    }

    var current: Serving? { serving.withLock { $0 } }

    /// The text `/metrics` answers: the gauges read from the pools and
    /// connections first, then every series of the registry.
    func metricsText() -> [UInt8] {
        pools.sample(current?.site.workers?.snapshots() ?? [])
        if let slots = current?.site.scriptSlots {
            for (state, count) in [("running", slots.running), ("waiting", slots.waiting)] {
                Gauge(label: MetricNames.scriptSlots, dimensions: [("state", state)], factory: factory).record(count)
            }
        }
        Gauge(label: MetricNames.activeRequests, dimensions: [], factory: factory).record(connections.counts().busy)
        return registry.emitToBuffer() + Array(requestDurationsText().utf8)
    }

    /// Every mount's request histogram (`MountRequests`), one family.
    private func requestDurationsText() -> String {
        var lines = ""
        for mount in allMounts() + [connections.unroutedMetrics] { mount.requests.emit(into: &lines) }
        return lines.isEmpty ? "" : "# TYPE \(MetricNames.requestDuration) histogram\n" + lines
    }
}
