/// Where a PostgreSQL session database is and how to log in: the
/// `sessions.postgres:` section. Plain configuration, compiled in every
/// build; the store that uses it (`PostgresSessionStore`) only in a build
/// with the `PostgreSQL` trait (`swift build --traits PostgreSQL`), so a
/// server that keeps sessions in memory or SQLite never compiles
/// PostgreSQL's client.
public struct PostgresConnection: Sendable, Equatable {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket file itself: `/var/run/postgresql/.s.PGSQL.5432`.
        case unixSocket(path: String)
    }

    /// TLS over TCP: `prefer` tries it and falls back; `require` refuses
    /// a server without it (certificates checked against the system's).
    public enum TLS: String, Sendable, CaseIterable {
        case disable, prefer, require
    }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String?
    public var tls: TLS
    /// Most connections this instance opens. Default 20.
    public var maxConnections: Int

    public init(
        endpoint: Endpoint, username: String, password: String? = nil, database: String? = nil, tls: TLS = .prefer, maxConnections: Int = 20
    ) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.maxConnections = maxConnections
    }
}
