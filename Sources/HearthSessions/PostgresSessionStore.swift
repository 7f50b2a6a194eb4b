#if PostgreSQL
import Logging
import PostgresNIO

/// Sessions in PostgreSQL, for several Hearth instances behind a load
/// balancer. Locks are rows (`hearth_session_locks`: id, owner token, the
/// request, since, lease end), not advisory locks, because:
///
/// - an advisory lock belongs to one database connection, so holding it for
///   a whole request pins a pooled connection per locked request (and per
///   waiting one), and must be released on that same connection;
/// - a row says who holds the lock — the request and since when — to every
///   instance, which the 503's log line needs; `pg_locks` shows only a pid;
/// - a crashed instance's lock ends with its lease, as in the SQLite store,
///   so both stores pass one contract.
///
/// Taking a lock is one `INSERT … ON CONFLICT DO UPDATE … WHERE`, atomic
/// across instances; waiting polls (`LockPolling`). Tables are created on
/// first use, under an advisory transaction lock so that instances
/// starting together do not race on `CREATE TABLE IF NOT EXISTS`.
public final class PostgresSessionStore: SessionStore {
    public typealias Connection = PostgresConnection
    public let clock: SessionClock
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let schema: OpenOnce<Void>
    private let logger: Logger

    public init(connection: Connection, clock: SessionClock = .system, logger: Logger = Logger(label: "hearth.sessions.postgres")) {
        self.clock = clock
        self.logger = logger
        let client = PostgresClient(configuration: connection.clientConfiguration, backgroundLogger: logger)
        self.client = client
        // The client's pool works only while run() runs; close() ends it.
        running = Task { await client.run() }
        schema = OpenOnce {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext('hearth_sessions schema'))", logger: logger)
                for statement in Self.schema { try await connection.query(statement, logger: logger) }
            }
        }
    }

    static let schema: [PostgresQuery] = [
        "CREATE TABLE IF NOT EXISTS hearth_sessions (id text PRIMARY KEY, data text NOT NULL, created bigint NOT NULL, expires bigint NOT NULL)",
        "CREATE INDEX IF NOT EXISTS hearth_sessions_expires ON hearth_sessions (expires)",
        """
        CREATE TABLE IF NOT EXISTS hearth_session_locks (id text PRIMARY KEY, token text NOT NULL, request text NOT NULL, \
        since bigint NOT NULL, lease_ends bigint NOT NULL)
        """,
    ]

    @discardableResult
    private func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await schema.value()
        return try await client.query(query, logger: logger)
    }

    public func load(_ id: SessionID) async throws -> SessionRecord? {
        let rows = try await query("SELECT data, created, expires FROM hearth_sessions WHERE id = \(id.text) AND expires > \(clock.now())")
        // Collected, not left mid-iteration: the pooled connection is
        // released when the rows are read to the end.
        guard let row = try await rows.collect().first else { return nil }
        let (data, created, expires) = try row.decode((String, Int64, Int64).self)
        return SessionRecord(values: try SessionValuesJSON.decode(data), created: created, expires: expires)
    }

    public func save(_ id: SessionID, _ record: SessionRecord) async throws {
        let data = try SessionValuesJSON.encode(record.values)
        try await query("""
            INSERT INTO hearth_sessions (id, data, created, expires) VALUES (\(id.text), \(data), \(record.created), \(record.expires)) \
            ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, created = EXCLUDED.created, expires = EXCLUDED.expires
            """)
    }

    public func touch(_ id: SessionID, expires: Int64) async throws {
        try await query("UPDATE hearth_sessions SET expires = \(expires) WHERE id = \(id.text)")
    }

    public func delete(_ id: SessionID) async throws {
        try await query("DELETE FROM hearth_sessions WHERE id = \(id.text)")
    }

    public func deleteExpired(limit: Int) async throws -> Int {
        let now = clock.now()
        try await query("DELETE FROM hearth_session_locks WHERE lease_ends <= \(now)")
        // SKIP LOCKED: two instances sweeping at once split the work.
        let rows = try await query("""
            DELETE FROM hearth_sessions WHERE id IN \
            (SELECT id FROM hearth_sessions WHERE expires <= \(now) LIMIT \(limit) FOR UPDATE SKIP LOCKED) RETURNING id
            """)
        return try await rows.collect().count
    }

    public func lock(_ id: SessionID, for holder: SessionLockHolder, lease: Duration, waitingAtMost wait: Duration) async throws {
        let taken = try await LockPolling.poll(waitingAtMost: wait) { try await take(id, for: holder, lease: lease) }
        guard !taken else { return }
        let rows = try await query("SELECT token, request, since FROM hearth_session_locks WHERE id = \(id.text)")
        let current = try await rows.collect().first.map { row in
            let (token, request, since) = try row.decode((String, String, Int64).self)
            return SessionLockHolder(token: token, request: request, since: since)
        }
        throw SessionLockTimeout(holder: current)
    }

    /// One statement: insert the row, or take over one that is this
    /// holder's (re-entry) or whose lease ran out.
    private func take(_ id: SessionID, for holder: SessionLockHolder, lease: Duration) async throws -> Bool {
        let now = clock.now()
        let rows = try await query("""
            INSERT INTO hearth_session_locks (id, token, request, since, lease_ends) \
            VALUES (\(id.text), \(holder.token), \(holder.request), \(holder.since), \(now + lease.milliseconds)) \
            ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, request = EXCLUDED.request, since = EXCLUDED.since, \
            lease_ends = EXCLUDED.lease_ends WHERE hearth_session_locks.token = EXCLUDED.token OR hearth_session_locks.lease_ends <= \(now) \
            RETURNING token
            """)
        return try await !rows.collect().isEmpty
    }

    public func unlock(_ id: SessionID, for holder: SessionLockHolder) async throws {
        try await query("DELETE FROM hearth_session_locks WHERE id = \(id.text) AND token = \(holder.token)")
    }

    public func close() async {
        running.cancel()
        await running.value
    }
}

extension PostgresConnection {
    var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: username, password: password, database: database)
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS = switch self.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.maximumConnections = maxConnections
        return configuration
    }
}
#endif
