import HearthWaiting

/// The bookkeeping of one pool, kept under its lock: which workers exist,
/// which are idle, who waits. Pure: every decision that starts or stops a
/// process is returned to the pool, which acts on it outside the lock.
struct WorkerPoolState {
    struct Slot {
        let worker: WorkerProcess
        var connection: FastCGIConnection?
        var busy = false
        var requests = 0
        var idleSince = ContinuousClock.now
        /// Stop it when its current request ends (an old generation, a
        /// request limit reached, a busy timeout).
        var retiring = false
    }

    var slots: [Int: Slot] = [:]
    /// Every worker not yet reaped, in the books or already stopping:
    /// shutdown waits for all of them.
    var live: [Int: WorkerProcess] = [:]
    /// Idle workers, the most recently used last: it is the one taken next
    /// (its memory is warm), and the ones at the front idle longest.
    var idle: [Int] = []
    var starting = 0
    /// Starts past the check that the pool still runs and not yet in
    /// `live`: shutdown waits for them, so none outlives the server.
    var spawning = 0
    /// Requests waiting for a worker; each is granted a worker's id.
    var queue = WaitingQueue<Void, Int>()
    var generation = 0
    var failure: String?
    var crashes: [ContinuousClock.Instant] = []
    var stopped = false
    var nextID = 0

    var count: Int { slots.count + starting }

    /// Gives worker `id` to the first waiter, or makes it idle. Returns the
    /// waiter's turn, to grant outside the lock.
    mutating func offer(_ id: Int) -> WaitingQueue<Void, Int>.Turn? {
        if let (_, turn) = queue.next() {
            slots[id]?.busy = true
            return turn
        }
        slots[id]?.busy = false
        slots[id]?.idleSince = .now
        idle.append(id)
        return nil
    }

    /// Takes the worker out of the books, closing its kept connection;
    /// returns it if it was there.
    mutating func remove(_ id: Int) -> Slot? {
        idle.removeAll { $0 == id }
        let slot = slots.removeValue(forKey: id)
        slot?.connection?.close()
        return slot
    }

    /// Workers to start so that the minimum runs and no waiter waits for a
    /// worker that is not coming.
    func shortfall(minimum: Int, maximum: Int) -> Int {
        guard !stopped, failure == nil else { return 0 }
        let wanted = max(minimum, min(maximum, slots.count + queue.count - idle.count))
        return max(0, wanted - count)
    }

    /// Records a crash and says whether the pool is now in a crash loop.
    mutating func recordCrash(limit: Int, window: Duration) -> Bool {
        let now = ContinuousClock.now
        crashes.append(now)
        crashes.removeAll { now - $0 > window }
        return crashes.count >= limit
    }

    /// Ends every wait with no worker: the turns to refuse.
    mutating func takeWaiters() -> [WaitingQueue<Void, Int>.Turn] {
        queue.removeAll()
    }
}
