import Foundation
import HearthSessions
import HearthTesting
import Testing

/// The stores every test of the contract runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite
    #if PostgreSQL
    case postgres
    #endif

    var testDescription: String { rawValue }

    /// A fresh, empty store of this kind on `clock`; `directory` keeps the
    /// SQLite file alive for the test.
    func make(clock: ManualClock, directory: TemporaryDirectory) async throws -> any SessionStore {
        switch self {
        case .memory: MemorySessionStore(clock: clock.sessionClock)
        case .sqlite: SQLiteSessionStore(path: directory.path + "/sessions.sqlite", clock: clock.sessionClock)
        #if PostgreSQL
        case .postgres: PostgresSessionStore(connection: try await PostgresCluster.shared.freshDatabase(), clock: clock.sessionClock)
        #endif
        }
    }
}

/// The contract of `SessionStore`: one test function per rule, each run
/// for every store (memory, SQLite on disk, PostgreSQL in a throwaway
/// cluster), so no store passes by being tested differently.
@Suite(.postgresCluster) struct SessionStoreContractTests {
    let clock = ManualClock()
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func withStore(_ kind: StoreKind, _ body: (any SessionStore) async throws -> Void) async throws {
        let store = try await kind.make(clock: clock, directory: directory)
        do {
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    func holder(_ request: String = "GET /") -> SessionLockHolder {
        SessionLockHolder(token: SessionID.random().text, request: request, since: clock.now)
    }

    @Test("save, load, replace, touch and delete", arguments: StoreKind.allCases)
    func loadSaveDelete(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let id = SessionID.random()
            #expect(try await store.load(id) == nil)
            let record = SessionRecord(values: ["name": "\"Ada\"", "cart": "[1,2]"], created: clock.now, expires: clock.now + 60_000)
            try await store.save(id, record)
            #expect(try await store.load(id) == record)
            #expect(try await store.load(.random()) == nil, "another id sees nothing")

            var changed = record
            changed.values = ["name": "\"Grace\""]
            try await store.save(id, changed)
            #expect(try await store.load(id) == changed, "save replaces every value")

            try await store.touch(id, expires: clock.now + 120_000)
            #expect(try await store.load(id)?.expires == clock.now + 120_000)
            #expect(try await store.load(id)?.values == changed.values, "touch keeps the values")
            let unknown = SessionID.random()
            try await store.touch(unknown, expires: clock.now + 1000)
            #expect(try await store.load(unknown) == nil, "touch creates nothing")

            try await store.delete(id)
            #expect(try await store.load(id) == nil)
        }
    }

    @Test("a record is gone once its expiry passes, and the sweep deletes it, bounded", arguments: StoreKind.allCases)
    func expiry(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let lasting = SessionID.random()
            try await store.save(lasting, SessionRecord(values: ["a": "1"], created: clock.now, expires: clock.now + 10_000))
            var expiring: [SessionID] = []
            for _ in 0..<5 {
                let id = SessionID.random()
                expiring.append(id)
                try await store.save(id, SessionRecord(values: ["a": "1"], created: clock.now, expires: clock.now + 1000))
            }
            #expect(try await store.load(expiring[0]) != nil)
            clock.advance(by: .seconds(1))
            // Counted before any load, which a store may use to delete an
            // expired record itself.
            #expect(try await store.deleteExpired(limit: 3) == 3, "one batch deletes up to its limit, no more")
            #expect(try await store.deleteExpired(limit: 100) == 2, "the next deletes the rest")
            #expect(try await store.deleteExpired(limit: 100) == 0, "nothing expired is left")
            #expect(try await store.load(lasting) != nil, "the sweep spares live sessions")
            let late = SessionID.random()
            try await store.save(late, SessionRecord(values: ["a": "1"], created: clock.now, expires: clock.now + 1000))
            clock.advance(by: .seconds(1))
            #expect(try await store.load(late) == nil, "expires <= now is expired")
            #expect(try await store.load(lasting) != nil)
        }
    }

    @Test("a lock is exclusive, re-entrant for its holder, released by unlock", arguments: StoreKind.allCases)
    func lockSemantics(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let id = SessionID.random()
            let first = holder("GET /first")
            let second = holder("POST /second")
            try await store.lock(id, for: first, lease: .seconds(30), waitingAtMost: .zero)
            try await store.lock(id, for: first, lease: .seconds(30), waitingAtMost: .zero)  // re-entry: no wait
            let timeout = try await #require(throws: SessionLockTimeout.self) {
                try await store.lock(id, for: second, lease: .seconds(30), waitingAtMost: .milliseconds(50))
            }
            #expect(timeout.holder == first, "the timeout names the holder")
            try await store.lock(.random(), for: second, lease: .seconds(30), waitingAtMost: .zero)  // another id: free
            try await store.unlock(id, for: second)  // not the holder: nothing happens
            await #expect(throws: SessionLockTimeout.self) {
                try await store.lock(id, for: second, lease: .seconds(30), waitingAtMost: .zero)
            }
            try await store.unlock(id, for: first)
            try await store.lock(id, for: second, lease: .seconds(30), waitingAtMost: .zero)
        }
    }

    @Test("a waiting request gets the lock when the holder unlocks", arguments: StoreKind.allCases)
    func waiterIsHandedTheLock(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let id = SessionID.random()
            let first = holder("GET /first")
            try await store.lock(id, for: first, lease: .seconds(30), waitingAtMost: .zero)
            let waiting = Task { try await store.lock(id, for: holder("GET /second"), lease: .seconds(30), waitingAtMost: .seconds(20)) }
            try await store.unlock(id, for: first)
            try await waiting.value
            await #expect(throws: SessionLockTimeout.self, "the waiter holds it now") {
                try await store.lock(id, for: first, lease: .seconds(30), waitingAtMost: .zero)
            }
        }
    }

    @Test("a lock whose lease ran out is free (its holder died)", arguments: StoreKind.allCases)
    func expiredLeaseIsTakenOver(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let id = SessionID.random()
            let dead = holder("GET /crashed")
            try await store.lock(id, for: dead, lease: .seconds(30), waitingAtMost: .zero)
            clock.advance(by: .seconds(29))
            await #expect(throws: SessionLockTimeout.self) {
                try await store.lock(id, for: holder(), lease: .seconds(30), waitingAtMost: .zero)
            }
            try await store.lock(id, for: dead, lease: .seconds(30), waitingAtMost: .zero)  // re-entry renews the lease
            clock.advance(by: .seconds(29))
            await #expect(throws: SessionLockTimeout.self, "renewed 29 s ago: still held") {
                try await store.lock(id, for: holder(), lease: .seconds(30), waitingAtMost: .zero)
            }
            clock.advance(by: .seconds(1))
            try await store.lock(id, for: holder("GET /next"), lease: .seconds(30), waitingAtMost: .zero)
        }
    }

    @Test("locks of different sessions never wait for each other", arguments: StoreKind.allCases)
    func differentSessionsAreIndependent(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let holders = (0..<8).map { holder("GET /\($0)") }
            let ids = holders.map { _ in SessionID.random() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (id, holder) in zip(ids, holders) {
                    group.addTask { try await store.lock(id, for: holder, lease: .seconds(30), waitingAtMost: .zero) }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("concurrent takers of one free lock: exactly one wins", arguments: StoreKind.allCases)
    func oneWinner(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let id = SessionID.random()
            let winners = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    let holder = holder("GET /\(index)")
                    group.addTask { (try? await store.lock(id, for: holder, lease: .seconds(30), waitingAtMost: .zero)) != nil }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }
}
