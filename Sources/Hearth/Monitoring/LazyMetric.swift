import Synchronization

/// A series made the first time it is used, then reused without a lock: a
/// mount's request histogram for each method and status class exists only
/// once such a request came, yet counting one costs an atomic load.
final class LazyMetric<Metric: AnyObject & Sendable>: Sendable {
    private let metric = AtomicLazyReference<Metric>()
    private let make: @Sendable () -> Metric

    init(_ make: @escaping @Sendable () -> Metric) {
        self.make = make
    }

    /// Two first uses at once may both make it; the registry hands both the
    /// same series, and one of the handles is kept.
    var value: Metric { metric.load() ?? metric.storeIfNil(make()) }
}

extension Duration {
    /// For swift-metrics' `Timer.recordNanoseconds`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var seconds: Double { Double(nanoseconds) / 1e9 }
}
