import CoreMetrics
import HearthGateway
import HearthHTTP
import HearthRelay
import HearthStatic

/// One mount's series and tallies, made once per mount prefix for the
/// life of the process (a reloaded site's mount of the same prefix gets
/// the same object), every label value computed here and none per request.
/// The site leaves it in each request's notes; the layers below find the
/// protocol they report through (`ScriptRunObserver`,
/// `ScriptOutputObserver`, `StaticFileObserver`).
final class MountMetrics: RequestObserver, ScriptRunObserver, ScriptOutputObserver, StaticFileObserver, Sendable {
    let mount: String
    /// Its requests: the duration histogram and the status page's totals.
    let requests: MountRequests
    private let staticBytes: LazyMetric<Counter>
    private let refusals: [ScriptOutputRule: LazyMetric<Counter>]
    private let stops: [String: LazyMetric<Counter>]
    private let scripts: ScriptSeriesTable
    private let failures: FailedRuns

    init(mount: String, factory: any MetricsFactory, scripts: ScriptSeriesTable, failures: FailedRuns) {
        self.mount = mount
        self.scripts = scripts
        self.failures = failures
        requests = MountRequests(mount: mount)
        staticBytes = LazyMetric { Counter(label: MetricNames.staticBytes, dimensions: [("mount", mount)], factory: factory) }
        var refusals: [ScriptOutputRule: LazyMetric<Counter>] = [:]
        for rule in ScriptOutputRule.allCases {
            refusals[rule] = LazyMetric { Counter(label: MetricNames.outputRefused, dimensions: [("mount", mount), ("rule", rule.rawValue)], factory: factory) }
        }
        self.refusals = refusals
        var stops: [String: LazyMetric<Counter>] = [:]
        for reason in Self.stopReasons {
            stops[reason] = LazyMetric { Counter(label: MetricNames.cgiStops, dimensions: [("mount", mount), ("reason", reason)], factory: factory) }
        }
        self.stops = stops
    }

    /// Why a run was stopped (the gateway's reasons) or killed (the
    /// `limits:` key that ended it).
    static let stopReasons = ["timeout", "client_gone", "cancelled", "cpu", "memory", "processes", "file_size", "other"]

    /// A request of this mount ended (`ConnectionTable`): three atomic
    /// additions (`MountRequests`). The duration is turned into
    /// nanoseconds once: `Duration.components` divides 128-bit integers.
    func requestFinished(_ request: Request, status: Int, bodyBytes: Int, elapsed: Duration) {
        requests.record(
            method: MetricNames.methodIndex(request.head.method), statusClass: MetricNames.statusClassIndex(status),
            nanoseconds: Int(elapsed.nanoseconds), bodyBytes: bodyBytes
        )
    }

    func fileBodySent(bytes: Int) {
        staticBytes.value.increment(by: bytes)
    }

    func scriptOutputRefused(rule: ScriptOutputRule) {
        refusals[rule]?.value.increment()
    }

    func scriptStarted(_ script: String, pid: Int32) {
        scripts.series(mount: mount, script: script).started.increment()
    }

    func scriptEnded(_ report: ScriptRunReport) {
        let series = scripts.series(mount: mount, script: report.script)
        series.duration.recordNanoseconds(report.cost.wall.nanoseconds)
        series.cpu.increment(by: report.cost.exit.cpu.seconds)
        series.maxRSS.record(report.cost.exit.maxResidentBytes)
        for reason in [report.stopReason, report.limit].compactMap({ $0 }) {
            (stops[reason] ?? stops["other"])?.value.increment()
        }
        guard report.failed else { return }
        series.failed.increment()
        failures.add(FailedRun(mount: mount, report: report))
    }
}
