import NIOConcurrencyHelpers

/// Notes that the code serving a request leaves for the access log, as
/// Apache's `r->notes` (`%{NAME}n` in a log format): the CGI gateway writes
/// what the script's run cost (`cpu`, `maxrss`, `wall`, `script`, ...), the
/// FastCGI responder which pool and worker answered. One per request, shared
/// by every copy of the `Request` value and by its local redirects (the last
/// run's values win); written by the responder, read once when the access
/// line is written.
public final class RequestNotes: Sendable {
    /// NIOLocks, not Mutexes: every request writes and reads these, and a
    /// Mutex costs a gettid(2) per lock on Linux.
    private let values = NIOLockedValueBox<[String: String]>([:])
    private let watcher = NIOLockedValueBox<(any RequestObserver)?>(nil)

    public init() {}

    /// Who watches this request for the site (its mount's metrics); nil
    /// when nobody does. Set as the mount is chosen, so a local redirect's
    /// last mount is the one counted.
    public var observer: (any RequestObserver)? {
        get { watcher.withLockedValue { $0 } }
        set { watcher.withLockedValue { $0 = newValue } }
    }

    /// The note called `name`, if any was left.
    public subscript(name: String) -> String? {
        get { values.withLockedValue { $0[name] } }
        set { values.withLockedValue { $0[name] = newValue } }
    }

    /// Sets several notes at once, replacing any of the same names.
    public func set(_ notes: some Sequence<(name: String, value: String)>) {
        values.withLockedValue { values in
            for (name, value) in notes { values[name] = value }
        }
    }

    /// Every note, for tests and status pages.
    public var all: [String: String] { values.withLockedValue { $0 } }
}
