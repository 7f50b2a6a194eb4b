/// Sessions in this process's memory: the default, for one process (a
/// server's hot handlers). Gone at restart, and not shared with FastCGI
/// workers (each worker is its own process): mod_python's MemorySession,
/// with the same limits. A waiting request is resumed the moment the lock
/// is handed to it (first come, first served), without polling.
public actor MemorySessionStore: SessionStore {
    public nonisolated let clock: SessionClock
    private var records: [SessionID: SessionRecord] = [:]
    private var locks: [SessionID: HeldLock] = [:]
    private var nextWaiter = 0

    private struct HeldLock {
        var holder: SessionLockHolder
        var leaseEnds: Int64
        var waiters: [Waiter] = []
    }

    private struct Waiter {
        let number: Int
        let holder: SessionLockHolder
        let lease: Duration
        let continuation: CheckedContinuation<Void, any Error>
        var timer: Task<Void, Never>?
    }

    public init(clock: SessionClock = .system) {
        self.clock = clock
    }

    public func load(_ id: SessionID) -> SessionRecord? {
        guard let record = records[id] else { return nil }
        guard record.expires > clock.now() else {
            records[id] = nil
            return nil
        }
        return record
    }

    public func save(_ id: SessionID, _ record: SessionRecord) { records[id] = record }

    public func touch(_ id: SessionID, expires: Int64) { records[id]?.expires = expires }

    public func delete(_ id: SessionID) { records[id] = nil }

    public func deleteExpired(limit: Int) -> Int {
        let now = clock.now()
        let expired = records.lazy.filter { $0.value.expires <= now }.prefix(limit).map(\.key)
        for id in expired { records[id] = nil }
        return expired.count
    }

    public func lock(_ id: SessionID, for holder: SessionLockHolder, lease: Duration, waitingAtMost wait: Duration) async throws {
        if take(id, for: holder, lease: lease) { return }
        guard wait > .zero else { throw SessionLockTimeout(holder: locks[id]?.holder) }
        nextWaiter += 1
        let number = nextWaiter
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let timer = Task { [weak self] in
                try? await Task.sleep(for: wait)
                guard !Task.isCancelled else { return }
                await self?.giveUp(id, waiter: number)
            }
            locks[id]!.waiters.append(Waiter(number: number, holder: holder, lease: lease, continuation: continuation, timer: timer))
        }
    }

    public func unlock(_ id: SessionID, for holder: SessionLockHolder) {
        guard var lock = locks[id], lock.holder.token == holder.token else { return }
        guard !lock.waiters.isEmpty else {
            locks[id] = nil
            return
        }
        let next = lock.waiters.removeFirst()
        next.timer?.cancel()
        lock.holder = next.holder
        lock.leaseEnds = clock.now() + next.lease.milliseconds
        locks[id] = lock
        next.continuation.resume()
    }

    public func close() {}

    /// Takes the lock when it is free, already this holder's (re-entry,
    /// which extends the lease), or its lease has run out.
    private func take(_ id: SessionID, for holder: SessionLockHolder, lease: Duration) -> Bool {
        let now = clock.now()
        if let current = locks[id], current.holder.token != holder.token, current.leaseEnds > now { return false }
        let waiters = locks[id]?.waiters ?? []
        locks[id] = HeldLock(holder: holder, leaseEnds: now + lease.milliseconds, waiters: waiters)
        return true
    }

    /// The wait of `waiter` is over without the lock.
    private func giveUp(_ id: SessionID, waiter number: Int) {
        guard let index = locks[id]?.waiters.firstIndex(where: { $0.number == number }) else { return }
        let waiter = locks[id]!.waiters.remove(at: index)
        waiter.continuation.resume(throwing: SessionLockTimeout(holder: locks[id]?.holder))
    }
}
