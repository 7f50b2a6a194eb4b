import CoreMetrics
import Synchronization

/// One script's series (`hearth_cgi_*{mount, script}`).
struct ScriptSeries: Sendable {
    let started: Counter
    let duration: Timer
    let cpu: FloatingPointCounter
    let maxRSS: Recorder
    let failed: Counter
}

/// The scripts' series, process-wide, made at a script's first run. The
/// script label is its file, bounded by the files in the mounts; the table
/// is capped all the same (`capacity`), and later scripts share the
/// `(other)` series. A lookup per run start and end: a cold run costs a
/// fork and an exec, the lock is nothing beside them.
final class ScriptSeriesTable: Sendable {
    /// Most scripts with series of their own. Default 500.
    let capacity: Int
    private let factory: any MetricsFactory
    /// By mount, then script: looked up with the strings as they come, no
    /// key built per run.
    private let table = Mutex<(byMount: [String: [String: ScriptSeries]], count: Int)>(([:], 0))

    init(factory: any MetricsFactory, capacity: Int = 500) {
        self.factory = factory
        self.capacity = capacity
    }

    func series(mount: String, script: String) -> ScriptSeries {
        let (found, full) = table.withLock { ($0.byMount[mount]?[script], $0.count >= capacity) }
        if let found { return found }
        let made = make(dimensions: [("mount", mount), ("script", full ? MetricNames.otherScripts : script)])
        return table.withLock { table in
            if let found = table.byMount[mount]?[script] { return found }
            guard !full else { return made }
            table.byMount[mount, default: [:]][script] = made
            table.count += 1
            return made
        }
    }

    private func make(dimensions: [(String, String)]) -> ScriptSeries {
        ScriptSeries(
            started: Counter(label: MetricNames.cgiStarted, dimensions: dimensions, factory: factory),
            duration: Timer(label: MetricNames.cgiDuration, dimensions: dimensions, factory: factory),
            cpu: FloatingPointCounter(label: MetricNames.cgiCPU, dimensions: dimensions, factory: factory),
            maxRSS: Recorder(label: MetricNames.cgiMaxRSS, dimensions: dimensions, aggregate: true, factory: factory),
            failed: Counter(label: MetricNames.cgiFailed, dimensions: dimensions, factory: factory)
        )
    }
}
