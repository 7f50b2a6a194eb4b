import HearthWaiting
import Synchronization

/// Caps how many scripts run at once, overall and per script (and how many
/// connections go to a remote FastCGI server), so one hot
/// or stuck script cannot take every process slot. A request over a cap
/// waits in line (first come, first served) for up to its queue timeout,
/// as a request waits for a free worker under Apache; only then is it
/// answered 503.
public final class ScriptLimiter: Sendable {
    /// What a waiter waits for: a slot for this script under its cap.
    private struct Wanted {
        var script: String
        var perScriptLimit: Int
    }

    private struct State {
        var total = 0
        var perScript: [String: Int] = [:]
        var queue = WaitingQueue<Wanted, Void>()

        func hasRoom(for wanted: Wanted, maxTotal: Int) -> Bool {
            Self.room(total: total, perScript: perScript, maxTotal: maxTotal)(wanted)
        }

        /// Whether a slot for `wanted` fits under both caps.
        static func room(total: Int, perScript: [String: Int], maxTotal: Int) -> (Wanted) -> Bool {
            { wanted in total < maxTotal && perScript[wanted.script, default: 0] < wanted.perScriptLimit }
        }

        mutating func take(_ script: String) {
            total += 1
            perScript[script, default: 0] += 1
        }

        /// A slot now, if nobody waits ahead and there is room.
        mutating func takeNow(_ wanted: Wanted, maxTotal: Int) -> Bool {
            guard queue.isEmpty, hasRoom(for: wanted, maxTotal: maxTotal) else { return false }
            take(wanted.script)
            return true
        }
    }

    public let maxTotal: Int
    private let state = Mutex(State())

    /// `maxTotal` defaults to 64.
    public init(maxTotal: Int = 64) {
        self.maxTotal = maxTotal
    }

    /// Takes a slot for `script`, waiting up to `timeout` for one; false
    /// when none came (or the request was cancelled).
    package func acquire(_ script: String, perScriptLimit: Int, timeout: Duration, onWait: () -> Void = {}) async -> Bool {
        let wanted = Wanted(script: script, perScriptLimit: perScriptLimit)
        let maxTotal = maxTotal
        if state.withLock({ $0.takeNow(wanted, maxTotal: maxTotal) }) { return true }
        guard timeout > .zero else { return false }
        onWait()
        let ticket = state.withLock { $0.queue.issueTicket() }
        let granted: Void? = await Waiting.wait(atMost: timeout) { continuation in
            state.withLock { state -> Void? in
                if state.takeNow(wanted, maxTotal: maxTotal) { return () }
                state.queue.enqueue(ticket, tag: wanted, continuation)
                return nil
            }
        } leave: { [self] in
            state.withLock { $0.queue.leave(ticket) }?.refuse()
        }
        return granted != nil
    }

    /// Releases a slot and hands it to the first waiter that may run.
    package func release(_ script: String) {
        let maxTotal = maxTotal
        let turn = state.withLock { state -> WaitingQueue<Wanted, Void>.Turn? in
            state.total -= 1
            let remaining = state.perScript[script, default: 1] - 1
            state.perScript[script] = remaining > 0 ? remaining : nil
            let admits = State.room(total: state.total, perScript: state.perScript, maxTotal: maxTotal)
            guard let (wanted, turn) = state.queue.next(where: admits) else { return nil }
            state.take(wanted.script)
            return turn
        }
        turn?.grant(())
    }

    /// Scripts running now, for tests and the status page.
    public var running: Int { state.withLock { $0.total } }

    /// Requests waiting for a slot.
    public var waiting: Int { state.withLock { $0.queue.count } }
}
