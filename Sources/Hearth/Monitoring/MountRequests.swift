import Synchronization

/// One mount's requests: the `http_server_request_duration_seconds`
/// histogram by method and status class, and the totals the status page
/// shows (requests, errors, bytes, time), all from the same atomics.
///
/// Not a swift-prometheus `Histogram`: that one takes a lock per
/// observation and compares the duration with each bucket through a call
/// into the standard library (`Duration.<`), which profiling showed as the
/// largest part of what counting costs a hot request, and its lock is one
/// every event loop would take for a busy mount. Here an observation is
/// two relaxed additions and one releasing one, on the cell of its method
/// and status class; `/metrics` renders the cells in Prometheus' text
/// format beside the registry's series (`Monitoring.metricsText`).
final class MountRequests: Sendable {
    let mount: String
    /// By method, then status class (`MetricNames`); made on first use,
    /// so a series exists only once such a request came.
    private let cells: [LazyMetric<DurationCell>]
    private let bytes = Atomic<Int>(0)

    init(mount: String) {
        self.mount = mount
        cells = (0..<MetricNames.methods.count * MetricNames.statusClasses.count).map { _ in LazyMetric { DurationCell() } }
    }

    /// The bytes and the time first (relaxed), the bucket last (releasing):
    /// once a count shows a request (read acquiring), so does the rest.
    func record(method: Int, statusClass: Int, nanoseconds: Int, bodyBytes: Int) {
        let cell = cells[method * MetricNames.statusClasses.count + statusClass].value
        bytes.add(bodyBytes, ordering: .relaxed)
        cell.sum.add(nanoseconds, ordering: .relaxed)
        cell.buckets[DurationCell.bucket(of: nanoseconds)].add(1, ordering: .releasing)
    }

    /// For the status page: an error is a 5xx, or a response that never
    /// went out (status class `none`).
    var snapshot: (requests: Int, errors: Int, bytes: Int, total: Duration) {
        var requests = 0, errors = 0, nanoseconds = 0
        for (index, lazy) in cells.enumerated() {
            guard let cell = lazy.made else { continue }
            let count = cell.count
            requests += count
            nanoseconds += cell.sum.load(ordering: .relaxed)
            let statusClass = index % MetricNames.statusClasses.count
            if statusClass == 0 || statusClass == 5 { errors += count }
        }
        return (requests, errors, bytes.load(ordering: .relaxed), .nanoseconds(nanoseconds))
    }

    /// Every cell a request has used, as Prometheus histogram lines
    /// (cumulative buckets, `+Inf`, `_sum` in seconds, `_count`), without
    /// the family's `# TYPE` line.
    func emit(into text: inout String) {
        for (index, lazy) in cells.enumerated() {
            guard let cell = lazy.made else { continue }
            let method = MetricNames.methods[index / MetricNames.statusClasses.count]
            let status = MetricNames.statusClasses[index % MetricNames.statusClasses.count]
            let labels = #"mount="\#(PrometheusText.escape(mount))",http_request_method="\#(method)",http_response_status_code="\#(status)""#
            cell.emit(name: MetricNames.requestDuration, labels: labels, into: &text)
        }
    }
}

/// One method and status class of a mount: a count per bucket (not
/// cumulative: one addition per observation) and the sum.
final class DurationCell: Sendable {
    /// Upper bounds in nanoseconds (`Monitoring.durationBuckets`); one
    /// more bucket past the last, for `+Inf`.
    static let bounds = Monitoring.durationBuckets.map { Int($0 * 1e9) }
    let buckets: InlineArray<15, Atomic<Int>> = InlineArray { _ in Atomic(0) }
    let sum = Atomic<Int>(0)

    init() {
        precondition(buckets.count == Self.bounds.count + 1, "one bucket per bound of Monitoring.durationBuckets, and +Inf")
    }

    /// The first bucket whose bound is at least `nanoseconds`.
    static func bucket(of nanoseconds: Int) -> Int {
        bounds.firstIndex { nanoseconds <= $0 } ?? bounds.count
    }

    var count: Int {
        (0..<buckets.count).reduce(0) { $0 + buckets[$1].load(ordering: .acquiring) }
    }

    func emit(name: String, labels: String, into text: inout String) {
        var cumulative = 0
        for (index, bound) in Monitoring.durationBuckets.enumerated() {
            cumulative += buckets[index].load(ordering: .acquiring)
            text += "\(name)_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\n"
        }
        cumulative += buckets[Self.bounds.count].load(ordering: .acquiring)
        text += "\(name)_bucket{\(labels),le=\"+Inf\"} \(cumulative)\n"
        text += "\(name)_sum{\(labels)} \(Double(sum.load(ordering: .relaxed)) / 1e9)\n"
        text += "\(name)_count{\(labels)} \(cumulative)\n"
    }
}

/// Prometheus' text exposition format (version 0.0.4), for the series
/// Hearth renders itself.
enum PrometheusText {
    /// A label value: backslash, double quote and line feed escaped.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += #"\\"#
            case "\"": escaped += #"\""#
            case "\n": escaped += #"\n"#
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
