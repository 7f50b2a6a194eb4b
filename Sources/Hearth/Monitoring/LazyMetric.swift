import Synchronization

/// A series made the first time it is used, then reused without a lock: a
/// mount's request histogram for each method and status class exists only
/// once such a request came, yet counting one costs an atomic load.
///
/// An `Atomic` of an unmanaged reference rather than the standard
/// library's `AtomicLazyReference`: that one's `load` is not inlined, and
/// profiling the hot row showed it costing as much as the histogram it
/// guards (a generic call and a metadata look-up per request).
final class LazyMetric<Metric: AnyObject & Sendable>: Sendable {
    private let metric = Atomic<Unmanaged<Metric>?>(nil)
    private let make: @Sendable () -> Metric

    init(_ make: @escaping @Sendable () -> Metric) {
        self.make = make
    }

    deinit { metric.load(ordering: .acquiring)?.release() }

    /// The series if it was made; nil before its first use.
    var made: Metric? { metric.load(ordering: .acquiring)?.takeUnretainedValue() }

    /// Two first uses at once may both make it; the registry hands both the
    /// same series, and the first handle stored is kept.
    var value: Metric {
        if let made = metric.load(ordering: .acquiring) { return made.takeUnretainedValue() }
        let made = Unmanaged.passRetained(make())
        let (stored, earlier) = metric.compareExchange(expected: nil, desired: made, ordering: .acquiringAndReleasing)
        guard !stored, let earlier else { return made.takeUnretainedValue() }
        made.release()
        return earlier.takeUnretainedValue()
    }
}

extension Duration {
    /// For swift-metrics' `Timer.recordNanoseconds`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var seconds: Double { Double(nanoseconds) / 1e9 }
}
