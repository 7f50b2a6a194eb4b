/// Where sessions live between requests. Every store passes the same
/// contract (Tests/HearthSessionsTests/SessionStoreContract.swift): what
/// `load` returns after `save`, `touch` and `delete`; that an expired
/// record is gone; and the lock rules below.
///
/// Locks: one per session id, held by one `SessionLockHolder` (one request)
/// at a time. `lock` by the holder that already has it succeeds at once
/// and extends its lease (re-entrant; `SessionHandler` renews a long
/// request's lease this way). A lock whose lease has run out is free: its
/// holder died without unlocking (a worker killed mid-request). Locks of
/// different ids never wait for each other.
public protocol SessionStore: Sendable {
    /// The time expiries and leases are compared with.
    var clock: SessionClock { get }

    /// The record of `id`, or nil when there is none or it has expired
    /// (`expires <= clock.now()`).
    func load(_ id: SessionID) async throws -> SessionRecord?
    /// Creates or replaces the record of `id`.
    func save(_ id: SessionID, _ record: SessionRecord) async throws
    /// Moves the expiry of an existing record (sliding expiry) without
    /// rewriting its values; nothing happens when there is no record.
    func touch(_ id: SessionID, expires: Int64) async throws
    func delete(_ id: SessionID) async throws
    /// Deletes at most `limit` expired records, and any lock whose lease
    /// ran out; returns how many records went.
    func deleteExpired(limit: Int) async throws -> Int

    /// Takes the lock of `id` for `holder` until `lease` from now, waiting
    /// at most `wait` for the current holder to let go; then throws
    /// `SessionLockTimeout` naming that holder.
    func lock(_ id: SessionID, for holder: SessionLockHolder, lease: Duration, waitingAtMost wait: Duration) async throws
    /// Lets go of the lock, if `holder` has it.
    func unlock(_ id: SessionID, for holder: SessionLockHolder) async throws

    /// Closes connections; the store is not used afterwards.
    func close() async
}

/// What a store keeps of one session.
public struct SessionRecord: Sendable, Equatable {
    /// Each value as its own JSON text, by key: one value that no longer
    /// decodes (its type changed in a new release) spoils only itself.
    public var values: [String: String]
    /// When the session began, and when it ends unless used again
    /// (`SessionClock` milliseconds).
    public var created: Int64
    public var expires: Int64

    public init(values: [String: String], created: Int64, expires: Int64) {
        self.values = values
        self.created = created
        self.expires = expires
    }
}

/// The request that holds, or wants, a session's lock: who it was is what
/// the log says when another request gives up waiting.
public struct SessionLockHolder: Sendable, Equatable {
    /// Unique to one request (random), so re-entry is recognized.
    public var token: String
    /// `GET /cart`: the method and path, never the query (it may carry secrets).
    public var request: String
    /// When the request took the lock (`SessionClock` milliseconds).
    public var since: Int64

    public init(token: String, request: String, since: Int64) {
        self.token = token
        self.request = request
        self.since = since
    }
}

/// The lock stayed held for the whole wait.
public struct SessionLockTimeout: Error, Sendable, CustomStringConvertible {
    /// The holder at the end of the wait; nil if it let go just then.
    public var holder: SessionLockHolder?

    public init(holder: SessionLockHolder?) {
        self.holder = holder
    }

    public var description: String {
        guard let holder else { return "session lock timeout" }
        return "session lock held by \(holder.request) since \(SessionTimeText.iso8601(holder.since))"
    }
}
