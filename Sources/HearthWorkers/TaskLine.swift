/// Work a service hands to its own `run()`: each job added becomes a
/// child task of the service's task group, so none outlives the service
/// and its group waits for all of them. A job added before `run()` starts
/// waits for it; one added after `finish()` is dropped (whatever it
/// would have done concerns a service that has stopped).
final class TaskLine: Sendable {
    typealias Job = @Sendable () async -> Void
    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation
    private let cancelsLeftovers: Bool

    /// `cancelsLeftovers`: at `finish()`, jobs still under way are
    /// cancelled (a pool's restart sleeping out its backoff ends at once)
    /// rather than waited for.
    init(cancelsLeftovers: Bool) {
        (jobs, continuation) = AsyncStream<Job>.makeStream()
        self.cancelsLeftovers = cancelsLeftovers
    }

    func add(_ job: @escaping Job) {
        continuation.yield(job)
    }

    /// No more jobs: `run()` returns once those under way are done.
    func finish() {
        continuation.finish()
    }

    /// Runs every job as it comes, until `finish()` and the last job ends.
    /// Called once.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await job in jobs { group.addTask(operation: job) }
            if cancelsLeftovers { group.cancelAll() }
        }
    }
}
