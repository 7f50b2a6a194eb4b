/// Told what happens to the site's worker pools that no request sees: a
/// worker crashed, restarted, recycled, a pool reloaded, a request
/// refused for want of a worker. The site's metrics adopt it; the pools
/// hold none unless given one (`WorkerPools(logger:observer:)`).
public protocol WorkerPoolObserver: Sendable {
    func requestRejected(pool: String, reason: WorkerPoolRejection)
    func workerCrashed(pool: String, pid: Int32, how: String, lastOutput: [String])
    /// A worker started in place of one that crashed (after the backoff).
    func workerRestarted(pool: String)
    func workerRecycled(pool: String, reason: WorkerRecycling)
    func poolReloaded(pool: String)
}

/// Why a pool answered 503 without a worker.
public enum WorkerPoolRejection: String, Sendable, CaseIterable {
    /// `max_queue` requests were already waiting.
    case queueFull = "queue_full"
    /// No worker came free within `queue_timeout`.
    case queueTimeout = "queue_timeout"
    /// The pool failed (a crash loop) and waits for a reload.
    case poolFailed = "pool_failed"
}

/// Why a worker was retired after a request.
public enum WorkerRecycling: String, Sendable, CaseIterable {
    /// It served `max_requests` requests.
    case maxRequests = "max_requests"
    /// Its resident memory passed `max_memory`.
    case maxMemory = "max_memory"
}

/// A pool as it stands, for the status page and the metrics' gauges, read
/// under its lock at once.
public struct WorkerPoolSnapshot: Sendable {
    public struct Worker: Sendable {
        public var pid: Int32
        /// `busy`, `idle`, or `retiring` (it stops when its request ends).
        public var state: String
        public var requests: Int
        public var age: Duration
        /// Resident memory in bytes, from /proc; nil if unreadable.
        public var residentBytes: Int?
    }

    public var name: String
    public var workers: [Worker]
    /// Workers being started.
    public var starting: Int
    /// Requests waiting for a worker: the queue's depth.
    public var waiting: Int
    public var minProcesses: Int
    public var maxProcesses: Int
    /// Why the pool failed, if it did.
    public var failure: String?

    public var busy: Int { workers.filter { $0.state != "idle" }.count }
    public var idle: Int { workers.filter { $0.state == "idle" }.count }
}
