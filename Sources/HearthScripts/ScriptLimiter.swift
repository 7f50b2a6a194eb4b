import NIOCore
import NIOPosix
import Synchronization

/// Caps how many scripts run at once, overall and per script (and how many
/// connections go to a remote FastCGI server), so one hot
/// or stuck script cannot take every process slot. A request over a cap
/// waits in line (first come, first served) for up to its queue timeout,
/// as a request waits for a free worker under Apache; only then is it
/// answered 503.
public final class ScriptLimiter: Sendable {
    private struct Waiter {
        var id: Int
        var script: String
        var perScriptLimit: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var total = 0
        var perScript: [String: Int] = [:]
        var waiters: [Waiter] = []
        var nextID = 0

        func hasRoom(for script: String, limit: Int, maxTotal: Int) -> Bool {
            total < maxTotal && perScript[script, default: 0] < limit
        }

        mutating func take(_ script: String) {
            total += 1
            perScript[script, default: 0] += 1
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
        if takeNow(script, limit: perScriptLimit) { return true }
        guard timeout > .zero else { return false }
        onWait()
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        // An event-loop timer, not a sleeping task: far cheaper, and with
        // every slot taken each request waits.
        let expiry = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(timeout)) { self.giveUp(id) }
        defer { expiry.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let granted = state.withLock { state -> Bool in
                    if state.waiters.isEmpty && state.hasRoom(for: script, limit: perScriptLimit, maxTotal: maxTotal) {
                        state.take(script)
                        return true
                    }
                    state.waiters.append(Waiter(id: id, script: script, perScriptLimit: perScriptLimit, continuation: continuation))
                    return false
                }
                if granted { continuation.resume(returning: true) }
            }
        } onCancel: {
            giveUp(id)
        }
    }

    private func takeNow(_ script: String, limit: Int) -> Bool {
        state.withLock { state in
            guard state.waiters.isEmpty, state.hasRoom(for: script, limit: limit, maxTotal: maxTotal) else { return false }
            state.take(script)
            return true
        }
    }

    /// Releases a slot and hands it to the first waiter that may run.
    package func release(_ script: String) {
        let granted = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.total -= 1
            let remaining = state.perScript[script, default: 1] - 1
            state.perScript[script] = remaining > 0 ? remaining : nil
            guard let index = state.waiters.firstIndex(where: { state.hasRoom(for: $0.script, limit: $0.perScriptLimit, maxTotal: maxTotal) }) else {
                return nil
            }
            let waiter = state.waiters.remove(at: index)
            state.take(waiter.script)
            return waiter.continuation
        }
        granted?.resume(returning: true)
    }

    /// A waiter whose time ran out (or whose client left) leaves the line.
    private func giveUp(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: false)
    }

    /// Scripts running now, for tests and the status page.
    public var running: Int { state.withLock { $0.total } }

    /// Requests waiting for a slot.
    public var waiting: Int { state.withLock { $0.waiters.count } }
}
