import CoreMetrics
import HearthGateway
import HearthHTTP
import HearthRelay
import HearthStatic
import Synchronization

/// One mount's series and tallies, made once per mount prefix for the
/// life of the process (a reloaded site's mount of the same prefix gets
/// the same object), every label value computed here and none per request.
/// The site leaves it in each request's notes; the layers below find the
/// protocol they report through (`ScriptRunObserver`,
/// `ScriptOutputObserver`, `StaticFileObserver`).
final class MountMetrics: RequestObserver, ScriptRunObserver, ScriptOutputObserver, StaticFileObserver, Sendable {
    let mount: String
    /// Requests, errors and time, for the status page.
    let tally = MountTally()
    /// By method, then status class (`MetricNames`).
    private let durations: [LazyMetric<Timer>]
    private let staticBytes: LazyMetric<Counter>
    private let refusals: [ScriptOutputRule: LazyMetric<Counter>]
    private let stops: [String: LazyMetric<Counter>]
    private let scripts: ScriptSeriesTable
    private let failures: FailedRuns

    init(mount: String, factory: any MetricsFactory, scripts: ScriptSeriesTable, failures: FailedRuns) {
        self.mount = mount
        self.scripts = scripts
        self.failures = failures
        durations = MetricNames.methods.flatMap { method in
            MetricNames.statusClasses.map { status in
                LazyMetric {
                    Timer(label: MetricNames.requestDuration, dimensions: [
                        ("mount", mount), ("http_request_method", method), ("http_response_status_code", status),
                    ], factory: factory)
                }
            }
        }
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

    /// A request of this mount ended (`ConnectionTable`): one histogram
    /// observation and the tally's atomics. The duration is turned into
    /// nanoseconds once: `Duration.components` divides 128-bit integers.
    func requestFinished(_ request: Request, status: Int, bodyBytes: Int, elapsed: Duration) {
        let index = MetricNames.methodIndex(request.head.method) * MetricNames.statusClasses.count + MetricNames.statusClassIndex(status)
        let nanoseconds = elapsed.nanoseconds
        durations[index].value.recordNanoseconds(nanoseconds)
        tally.add(status: status, bodyBytes: bodyBytes, nanoseconds: Int(nanoseconds))
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

/// A mount's totals for the status page (the server's are their sum):
/// plain atomics, no lock.
final class MountTally: Sendable {
    private let requests = Atomic<Int>(0)
    private let errors = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    private let nanoseconds = Atomic<Int>(0)

    /// An error is a 5xx, or a response that never went out. `requests`
    /// is added to last, releasing: once it shows a request (read
    /// acquiring), so does every series that request moved.
    func add(status: Int, bodyBytes: Int, nanoseconds elapsed: Int) {
        if status >= 500 || status == 0 { errors.add(1, ordering: .relaxed) }
        bytes.add(bodyBytes, ordering: .relaxed)
        nanoseconds.add(elapsed, ordering: .relaxed)
        requests.add(1, ordering: .releasing)
    }

    var snapshot: (requests: Int, errors: Int, bytes: Int, total: Duration) {
        let requests = requests.load(ordering: .acquiring)
        return (requests, errors.load(ordering: .relaxed), bytes.load(ordering: .relaxed), .nanoseconds(nanoseconds.load(ordering: .relaxed)))
    }
}
