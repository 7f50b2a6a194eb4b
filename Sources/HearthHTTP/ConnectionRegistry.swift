import Logging
import NIOCore
import Synchronization

/// Knows every open connection and whether it is idle between requests, so
/// a graceful shutdown can close the idle ones at once and let busy ones
/// finish their in-flight request first.
///
/// A connection registers once; going idle or busy between requests is an
/// atomic store on its own `ConnectionActivity`, not a locked dictionary
/// update: it happens twice per request, on the hot path.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [ObjectIdentifier: any RegisteredConnection] = [:]
    }

    private let state = Mutex(State())
    private let draining = Atomic<Bool>(false)

    var isDraining: Bool { draining.load(ordering: .sequentiallyConsistent) }

    func register(_ activity: any RegisteredConnection) {
        state.withLock { $0.connections[ObjectIdentifier(activity)] = activity }
    }

    func unregister(_ activity: any RegisteredConnection) {
        _ = state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(activity)) }
    }

    /// Starts draining: idle connections close now, busy ones after their
    /// current response. A connection going idle at this very moment either
    /// sees `draining` (it stores its idle mark first, then reads the flag)
    /// or is seen idle here (the flag is stored first, then the marks read):
    /// both orders are sequentially consistent, so none is missed.
    func drain() {
        draining.store(true, ordering: .sequentiallyConsistent)
        let connections = state.withLock { Array($0.connections.values) }
        for connection in connections { connection.drain() }
    }

    /// The graceful shutdown's deadline has passed: whatever is still open
    /// (a client that does not read, a handler that does not end) is closed.
    func closeAll(logger: Logger, after timeout: Duration) {
        let connections = state.withLock { Array($0.connections.values) }
        guard !connections.isEmpty else { return }
        logger.warning("shutdown timeout: closing the connections still open", metadata: [
            "connections": "\(connections.count)", "shutdown_timeout": "\(timeout)",
        ])
        for connection in connections { connection.channel.close(promise: nil) }
    }
}

/// A connection as the registry drains it.
protocol RegisteredConnection: AnyObject, Sendable {
    var channel: Channel { get }
    /// The graceful shutdown began: end now what has nothing in flight,
    /// the rest once it has answered.
    func drain()
}

/// One connection's idle mark and its idle timer. The timer is armed once
/// per idle period's worth of time, not once per request: when it fires it
/// closes the connection if it has been idle for the whole timeout, and
/// otherwise re-arms itself for when that could first be true (the way
/// Netty's IdleStateHandler avoids a timer per read).
final class ConnectionActivity: RegisteredConnection {
    let channel: Channel
    private let io: ConnectionIO
    private let timeout: TimeAmount
    /// When the connection last became idle (uptime nanoseconds), or 0
    /// while a request is being served.
    private let idleSince = Atomic<Int64>(0)
    /// The armed timer, cancelled when the connection ends so that closed
    /// connections leave nothing in the event loop's timer heap.
    private let timer = Mutex<Scheduled<Void>?>(nil)
    private let stopped = Atomic<Bool>(false)

    init(channel: Channel, io: ConnectionIO, idleTimeout: Duration) {
        self.channel = channel
        self.io = io
        self.timeout = TimeAmount(idleTimeout)
    }

    var isIdle: Bool { idleSince.load(ordering: .sequentiallyConsistent) != 0 }

    /// Idle: closed now; busy: its loop sees `isDraining` after the
    /// response and ends.
    func drain() {
        if isIdle { channel.close(promise: nil) }
    }

    /// Marks the connection idle; false when the server is draining and the
    /// connection should close instead of waiting for another request.
    func markIdle(registry: ConnectionRegistry) -> Bool {
        idleSince.store(max(1, NIODeadline.now().uptimeNanoseconds.clampedToInt64), ordering: .sequentiallyConsistent)
        return !registry.isDraining
    }

    func markBusy() {
        idleSince.store(0, ordering: .sequentiallyConsistent)
    }

    /// Arms the idle timer for the life of the connection.
    func startIdleTimer() {
        arm(at: .now() + timeout)
    }

    /// Disarms the timer for good: the connection has ended.
    func stopIdleTimer() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        timer.withLock { $0?.cancel() }
    }

    private func arm(at deadline: NIODeadline) {
        let scheduled = channel.eventLoop.scheduleTask(deadline: deadline) { [self] in
            guard channel.isActive else { return }
            // A request that arrived and waits to be taken counts as
            // activity (`ConnectionIO.lastPartAt`, on this same loop).
            let marked = idleSince.load(ordering: .sequentiallyConsistent)
            let since = marked == 0 ? 0 : max(marked, Int64(clamping: io.lastPartAt.uptimeNanoseconds))
            let now = NIODeadline.now()
            if since != 0, now.uptimeNanoseconds - UInt64(since) >= UInt64(timeout.nanoseconds) {
                channel.close(promise: nil)
            } else {
                // Busy: the earliest it can time out is a full timeout from
                // now; idle for less than the timeout: when the rest runs out.
                arm(at: since == 0 ? now + timeout : NIODeadline.uptimeNanoseconds(UInt64(since)) + timeout)
            }
        }
        timer.withLock { $0 = scheduled }
        // Stopped while this was being armed: the stop's cancel missed it.
        if stopped.load(ordering: .sequentiallyConsistent) { scheduled.cancel() }
    }
}

extension UInt64 {
    fileprivate var clampedToInt64: Int64 { Int64(clamping: self) }
}
