/// How a site's sessions behave: the `sessions:` section of the config
/// file (docs/configuration.md), key by key. Every field has a default.
public struct SessionConfiguration: Sendable, Equatable {
    /// Where sessions are kept.
    public enum Store: Sendable, Equatable {
        /// This process's memory: one process only, lost at restart.
        case memory
        /// An SQLite file shared by the server and its FastCGI workers.
        case sqlite(path: String)
        /// A PostgreSQL database shared by several Hearth instances (in a
        /// build with the `PostgreSQL` trait; see `Sessions.postgresIsBuiltIn`).
        case postgres(PostgresConnection)
    }

    /// Default `.memory`.
    public var store: Store = .memory
    /// The session cookie's name. Default `hearth_session`.
    public var cookieName = "hearth_session"
    /// The cookie's Path (RFC 6265 §4.1.2.4). Default `/`.
    public var cookiePath = "/"
    /// The cookie's Domain (§4.1.2.3); nil, the default, keeps it to this host.
    public var cookieDomain: String? = nil
    /// The longest a session lives however active it is, and the cookie's
    /// Max-Age. nil (the default): the cookie lasts until the browser
    /// closes, and only `idleTimeout` ends the session.
    public var lifetime: Duration? = nil
    /// A session not used for this long expires (sliding: each request
    /// moves the expiry). Default 30 minutes, mod_python's.
    public var idleTimeout: Duration = .seconds(30 * 60)
    /// How long a request waits for another request of the same session
    /// to finish before it is answered 503. Default 10 s.
    public var lockTimeout: Duration = .seconds(10)
    /// How long a lock outlives a holder that died without unlocking (a
    /// worker killed mid-request); a live holder renews it every third of
    /// it. Default 30 s.
    public var lockLease: Duration = .seconds(30)
    /// How often expired sessions are swept from the store. Default 1 min.
    public var sweepInterval: Duration = .seconds(60)
    /// Most records one sweep deletes per statement; a sweep repeats while
    /// batches are full, at most 100 times. Default 1000.
    public var sweepBatch = 1000

    public init(store: Store = .memory) {
        self.store = store
    }
}
