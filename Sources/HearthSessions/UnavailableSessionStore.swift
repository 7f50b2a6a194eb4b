/// The store a configuration asked for but this build does not have
/// (`store: postgres` without the `PostgreSQL` trait). The config file is
/// refused at start-up before this is ever made; a site built in Swift gets
/// this, and every request that touches its sessions fails with the reason.
struct UnavailableSessionStore: SessionStore {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    let reason: String
    let connection: PostgresConnection
    var clock: SessionClock { .system }

    func load(_ id: SessionID) async throws -> SessionRecord? { throw Unavailable(description: reason) }
    func save(_ id: SessionID, _ record: SessionRecord) async throws { throw Unavailable(description: reason) }
    func touch(_ id: SessionID, expires: Int64) async throws { throw Unavailable(description: reason) }
    func delete(_ id: SessionID) async throws { throw Unavailable(description: reason) }
    func deleteExpired(limit: Int) async throws -> Int { throw Unavailable(description: reason) }
    func lock(_ id: SessionID, for holder: SessionLockHolder, lease: Duration, waitingAtMost wait: Duration) async throws {
        throw Unavailable(description: reason)
    }
    func unlock(_ id: SessionID, for holder: SessionLockHolder) async throws { throw Unavailable(description: reason) }
    func close() async {}
}
