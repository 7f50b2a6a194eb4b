/// Requests waiting their turn for something scarce, first come, first
/// served: a script slot (`ScriptLimiter`), a pool's worker (`WorkerPool`),
/// a session's lock (`MemorySessionStore`). One model for the three, so
/// that shutdown, a reload and the status page see every queue alike: how
/// many wait, and that a queue closed at shutdown answers each of them.
///
/// A value kept under its owner's lock (a `Mutex` or an actor), beside the
/// state that says whether there is room: deciding "no room, so wait" and
/// joining the queue happen under one lock, so a release can never slip
/// between them and leave a waiter asleep. Whatever it removes it returns
/// as a `Turn`, for the owner to resume *outside* its lock.
public struct WaitingQueue<Tag, Grant: Sendable> {
    private struct Waiter {
        let ticket: Ticket
        let tag: Tag
        let continuation: CheckedContinuation<Grant?, Never>
    }

    private var waiters: [Waiter] = []
    private var lastTicket = 0

    public init() {}

    /// Requests waiting now.
    public var count: Int { waiters.count }
    public var isEmpty: Bool { waiters.isEmpty }

    /// A number for a request about to wait: what its timer and its
    /// cancellation name it by.
    public mutating func issueTicket() -> Ticket {
        lastTicket += 1
        return Ticket(number: lastTicket)
    }

    /// Joins the end of the line.
    public mutating func enqueue(_ ticket: Ticket, tag: Tag, _ continuation: CheckedContinuation<Grant?, Never>) {
        waiters.append(Waiter(ticket: ticket, tag: tag, continuation: continuation))
    }

    /// The longest-waiting request that `admits` lets in (a per-script
    /// cap may hold one back while a later one, for another script, may
    /// go), taken out of the line.
    public mutating func next(where admits: (Tag) -> Bool = { _ in true }) -> (tag: Tag, turn: Turn)? {
        guard let index = waiters.firstIndex(where: { admits($0.tag) }) else { return nil }
        let waiter = waiters.remove(at: index)
        return (waiter.tag, Turn(continuation: waiter.continuation))
    }

    /// A request whose wait is over without its grant (its time ran out,
    /// its client left): out of the line, if it is still in it.
    public mutating func leave(_ ticket: Ticket) -> Turn? {
        guard let index = waiters.firstIndex(where: { $0.ticket == ticket }) else { return nil }
        return Turn(continuation: waiters.remove(at: index).continuation)
    }

    /// Everyone, out of the line: the thing they wait for is gone (a
    /// pool stopped or failed).
    public mutating func removeAll() -> [Turn] {
        defer { waiters = [] }
        return waiters.map { Turn(continuation: $0.continuation) }
    }

    /// What names one wait.
    public struct Ticket: Hashable, Sendable {
        let number: Int
    }

    /// One waiter's wait, ended by its owner outside the lock.
    public struct Turn: Sendable {
        let continuation: CheckedContinuation<Grant?, Never>

        /// The waiter gets what it waited for.
        public func grant(_ grant: Grant) { continuation.resume(returning: grant) }

        /// The waiter goes away without it.
        public func refuse() { continuation.resume(returning: nil) }
    }
}
