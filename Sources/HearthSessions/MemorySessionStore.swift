import HearthWaiting

/// Sessions in this process's memory: the default, for one process (a
/// server's hot handlers). Gone at restart, and not shared with FastCGI
/// workers (each worker is its own process): mod_python's MemorySession,
/// with the same limits. A waiting request is resumed the moment the lock
/// is handed to it (first come, first served), without polling.
public actor MemorySessionStore: SessionStore {
    public nonisolated let clock: SessionClock
    private var records: [SessionID: SessionRecord] = [:]
    private var locks: [SessionID: HeldLock] = [:]
    /// Requests waiting for a session's lock, every session's in one line:
    /// a lock's release hands it to the first of that session's waiters.
    private var waiting = WaitingQueue<WantedLock, Void>()

    private struct HeldLock {
        var holder: SessionLockHolder
        var leaseEnds: Int64
    }

    private struct WantedLock {
        let session: SessionID
        let holder: SessionLockHolder
        let lease: Duration
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
        let ticket = waiting.issueTicket()
        let granted: Void? = await Waiting.wait(atMost: wait) { continuation in
            waiting.enqueue(ticket, tag: WantedLock(session: id, holder: holder, lease: lease), continuation)
            return nil
        } leave: { [weak self] in
            Task { await self?.giveUp(ticket) }
        }
        guard granted != nil else { throw SessionLockTimeout(holder: locks[id]?.holder) }
    }

    public func unlock(_ id: SessionID, for holder: SessionLockHolder) {
        guard locks[id]?.holder.token == holder.token else { return }
        guard let (next, turn) = waiting.next(where: { $0.session == id }) else {
            locks[id] = nil
            return
        }
        locks[id] = HeldLock(holder: next.holder, leaseEnds: clock.now() + next.lease.milliseconds)
        turn.grant(())
    }

    public func close() {}

    /// Takes the lock when it is free, already this holder's (re-entry,
    /// which extends the lease), or its lease has run out.
    private func take(_ id: SessionID, for holder: SessionLockHolder, lease: Duration) -> Bool {
        let now = clock.now()
        if let current = locks[id], current.holder.token != holder.token, current.leaseEnds > now { return false }
        locks[id] = HeldLock(holder: holder, leaseEnds: now + lease.milliseconds)
        return true
    }

    /// A wait is over without the lock (its time ran out, its client left).
    private func giveUp(_ ticket: WaitingQueue<WantedLock, Void>.Ticket) {
        waiting.leave(ticket)?.refuse()
    }
}
