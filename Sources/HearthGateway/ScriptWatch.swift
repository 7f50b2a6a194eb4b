import HearthHTTP
import HearthScripts
import Logging
import NIOCore
import Synchronization

/// Watches a running script from its event loop, with no task of its own:
/// a timer re-armed from the script's last sign of life (RFC 3875 §6.1:
/// "the server MAY terminate the script process" when no data arrives in
/// time), and a subscription to the client's connection closing. Either
/// stops the script's process group.
final class ScriptWatch: Sendable {
    private let process: ScriptProcess
    private let activity: Activity
    private let ioTimeout: Duration
    private let deadline: ContinuousClock.Instant
    private let grace: Duration
    private let eventLoop: any EventLoop
    private let onTimeout: @Sendable () -> Void
    private let state = Mutex<(timer: Scheduled<Void>?, client: ClientCloseSubscription?, ended: Bool)>((nil, nil, false))
    /// The first firing of the timer, when the script is still running
    /// then, starts watching for its exit (`ScriptProcess.watchExit`). Most
    /// cold scripts are done before this, and cost no pidfd watch and no
    /// timer of their own for it.
    static let exitWatchDelay = Duration.milliseconds(100)

    init(process: ScriptProcess, activity: Activity, mount: CGIMountConfiguration, eventLoop: any EventLoop, onTimeout: @escaping @Sendable () -> Void) {
        self.process = process
        self.activity = activity
        self.ioTimeout = mount.ioTimeout
        self.deadline = ContinuousClock.now + mount.totalTimeout
        self.grace = mount.killGrace
        self.eventLoop = eventLoop
        self.onTimeout = onTimeout
    }

    func start(client connection: ConnectionInfo) {
        let subscription = connection.onClientClose { [self] in process.stop(.clientGone, grace: grace) }
        state.withLock { $0.client = subscription }
        arm(exitWatchAt: ContinuousClock.now + Self.exitWatchDelay)
    }

    /// The response is complete: a client leaving now is no reason to stop
    /// the script (which is exiting anyway); the timer still stops one that
    /// lingers.
    func responseComplete() {
        let client = state.withLock { state -> ClientCloseSubscription? in
            defer { state.client = nil }
            return state.client
        }
        client?.cancel()
    }

    /// Ends the watch: no timer left behind, no callback on the connection.
    func end() {
        let (timer, client) = state.withLock { state -> (Scheduled<Void>?, ClientCloseSubscription?) in
            state.ended = true
            defer { state.timer = nil; state.client = nil }
            return (state.timer, state.client)
        }
        timer?.cancel()
        client?.cancel()
    }

    private func arm(exitWatchAt exitWatch: ContinuousClock.Instant? = nil) {
        let now = ContinuousClock.now
        if let exitWatch, now >= exitWatch { process.watchExit() }
        let pendingExitWatch = exitWatch.flatMap { $0 > now ? $0 : nil }
        let next = min(activity.last + ioTimeout, deadline)
        guard now < next else {
            onTimeout()
            process.stop(.timedOut, grace: grace)
            return
        }
        let wake = pendingExitWatch.map { min($0, next) } ?? next
        let timer = eventLoop.scheduleTask(in: TimeAmount(wake - now)) { [self] in arm(exitWatchAt: pendingExitWatch) }
        let ended = state.withLock { state -> Bool in
            if !state.ended { state.timer = timer }
            return state.ended
        }
        if ended { timer.cancel() }
    }
}
