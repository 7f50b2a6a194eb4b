import HearthHTTP
import Synchronization

/// Where a mount's FastCGI requests go: a pool of workers Hearth supervises,
/// or an application server already running elsewhere.
protocol FastCGIBackend: Sendable {
    /// Names the backend in log lines: the command or the address.
    var name: String { get }
    /// A connection for one request, waiting for a free one if need be;
    /// throws `HTTPError` (503) when none comes in time.
    func lease() async throws -> BackendLease
}

/// How a request on a leased connection ended.
enum LeaseOutcome: Sendable {
    /// The application answered FCGI_END_REQUEST: the connection may serve
    /// the next request if it is still reusable.
    case completed
    /// The exchange broke off (the application vanished, a protocol error):
    /// the connection is closed.
    case broken
    /// The application closed the connection before answering at all: a
    /// pooled worker is replaced (it died, or is in no state to serve).
    case vanished
}

/// The right to run one request on one connection. Given back exactly once,
/// by `release`.
final class BackendLease: Sendable {
    let connection: FastCGIConnection
    /// Stops a request that ran over its time: a pooled worker is killed,
    /// a remote connection closed.
    let busyTimeout: Duration
    /// Who serves it, for log lines: `worker 1234`, or the remote address.
    let origin: String
    /// The pooled worker's pid; nil for a remote backend.
    let worker: Int32?
    /// Asked when the connection closed before any answer, before the
    /// lease is given back: whether the application had left by itself,
    /// so never took the request. False for a remote backend.
    let leftByItself: @Sendable () async -> Bool
    private let onRelease: @Sendable (FastCGIConnection, LeaseOutcome) -> Void
    private let onTimeout: @Sendable () -> Void
    private let released = Mutex(false)

    init(
        connection: FastCGIConnection, busyTimeout: Duration, origin: String, worker: Int32? = nil,
        leftByItself: @escaping @Sendable () async -> Bool = { false },
        onRelease: @escaping @Sendable (FastCGIConnection, LeaseOutcome) -> Void, onTimeout: @escaping @Sendable () -> Void
    ) {
        self.connection = connection
        self.busyTimeout = busyTimeout
        self.origin = origin
        self.worker = worker
        self.leftByItself = leftByItself
        self.onRelease = onRelease
        self.onTimeout = onTimeout
    }

    func release(_ outcome: LeaseOutcome) {
        guard released.withLock({ released in defer { released = true }; return !released }) else { return }
        onRelease(connection, outcome)
    }

    func timedOut() { onTimeout() }
}
