import Logging
import NIOCore
import SQLiteNIO

/// Sessions in an SQLite database file: shared by every process that opens
/// the same file — the server's hot handlers and its FastCGI workers — so
/// its locks live in the database too, as rows with an owner and a lease.
/// WAL mode lets readers and the one writer proceed together; a busy
/// timeout makes a process wait for another's write instead of failing.
/// The file is created, with its tables, on first use.
public final class SQLiteSessionStore: SessionStore {
    public let path: String
    public let clock: SessionClock
    private let connection: OpenOnce<SQLiteConnection>

    /// How long one statement waits for another process's write (SQLite's
    /// busy timeout). Writes here are single short statements.
    static let busyTimeoutMilliseconds = 5000

    public init(path: String, clock: SessionClock = .system, logger: Logger = Logger(label: "hearth.sessions.sqlite")) {
        self.path = path
        self.clock = clock
        connection = OpenOnce { try await Self.open(path: path, logger: logger) }
    }

    private static func open(path: String, logger: Logger) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            // The busy timeout first: switching to WAL itself needs a lock
            // that another process may hold.
            _ = try await connection.query("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)")
            _ = try await connection.query("PRAGMA journal_mode = WAL")
            _ = try await connection.query("PRAGMA synchronous = NORMAL")
            for statement in schema { _ = try await connection.query(statement) }
        } catch {
            try? await connection.close()
            throw error
        }
        return connection
    }

    static let schema = [
        "CREATE TABLE IF NOT EXISTS hearth_sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS hearth_sessions_expires ON hearth_sessions (expires)",
        """
        CREATE TABLE IF NOT EXISTS hearth_session_locks (id TEXT PRIMARY KEY, token TEXT NOT NULL, request TEXT NOT NULL, \
        since INTEGER NOT NULL, lease_ends INTEGER NOT NULL)
        """,
    ]

    private func query(_ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        try await connection.value().query(sql, binds)
    }

    public func load(_ id: SessionID) async throws -> SessionRecord? {
        let rows = try await query(
            "SELECT data, created, expires FROM hearth_sessions WHERE id = ?1 AND expires > ?2", [.text(id.text), .integer(Int(clock.now()))])
        guard let row = rows.first, let data = row.column("data")?.string,
            let created = row.column("created")?.integer, let expires = row.column("expires")?.integer
        else { return nil }
        return SessionRecord(values: try SessionValuesJSON.decode(data), created: Int64(created), expires: Int64(expires))
    }

    public func save(_ id: SessionID, _ record: SessionRecord) async throws {
        _ = try await query(
            """
            INSERT INTO hearth_sessions (id, data, created, expires) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET \
            data = excluded.data, created = excluded.created, expires = excluded.expires
            """,
            [.text(id.text), .text(try SessionValuesJSON.encode(record.values)), .integer(Int(record.created)), .integer(Int(record.expires))]
        )
    }

    public func touch(_ id: SessionID, expires: Int64) async throws {
        _ = try await query("UPDATE hearth_sessions SET expires = ?2 WHERE id = ?1", [.text(id.text), .integer(Int(expires))])
    }

    public func delete(_ id: SessionID) async throws {
        _ = try await query("DELETE FROM hearth_sessions WHERE id = ?1", [.text(id.text)])
    }

    public func deleteExpired(limit: Int) async throws -> Int {
        let now = SQLiteData.integer(Int(clock.now()))
        _ = try await query("DELETE FROM hearth_session_locks WHERE lease_ends <= ?1", [now])
        return try await query(
            "DELETE FROM hearth_sessions WHERE id IN (SELECT id FROM hearth_sessions WHERE expires <= ?1 LIMIT ?2) RETURNING id",
            [now, .integer(limit)]
        ).count
    }

    public func lock(_ id: SessionID, for holder: SessionLockHolder, lease: Duration, waitingAtMost wait: Duration) async throws {
        let taken = try await LockPolling.poll(waitingAtMost: wait) { try await take(id, for: holder, lease: lease) }
        guard !taken else { return }
        let rows = try await query("SELECT token, request, since FROM hearth_session_locks WHERE id = ?1", [.text(id.text)])
        throw SessionLockTimeout(holder: rows.first.flatMap { row in
            guard let token = row.column("token")?.string, let request = row.column("request")?.string,
                let since = row.column("since")?.integer else { return nil }
            return SessionLockHolder(token: token, request: request, since: Int64(since))
        })
    }

    /// One statement, so two processes cannot both take the lock: insert
    /// the row, or take over one that is this holder's or whose lease ran out.
    private func take(_ id: SessionID, for holder: SessionLockHolder, lease: Duration) async throws -> Bool {
        let now = clock.now()
        let rows = try await query(
            """
            INSERT INTO hearth_session_locks (id, token, request, since, lease_ends) VALUES (?1, ?2, ?3, ?4, ?5) \
            ON CONFLICT (id) DO UPDATE SET token = excluded.token, request = excluded.request, since = excluded.since, \
            lease_ends = excluded.lease_ends WHERE hearth_session_locks.token = excluded.token OR hearth_session_locks.lease_ends <= ?6 \
            RETURNING token
            """,
            [.text(id.text), .text(holder.token), .text(holder.request), .integer(Int(holder.since)),
             .integer(Int(now + lease.milliseconds)), .integer(Int(now))]
        )
        return !rows.isEmpty
    }

    public func unlock(_ id: SessionID, for holder: SessionLockHolder) async throws {
        _ = try await query("DELETE FROM hearth_session_locks WHERE id = ?1 AND token = ?2", [.text(id.text), .text(holder.token)])
    }

    public func close() async {
        try? await connection.take()?.close()
    }
}
