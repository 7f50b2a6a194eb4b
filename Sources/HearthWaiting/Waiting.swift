import NIOCore
import NIOPosix

/// How a request waits in a `WaitingQueue`: suspended until its owner
/// grants or refuses its turn, its time runs out, or its task is cancelled
/// (the client left); the last two take it out of the line through
/// `leave`. The timer is an event-loop timer, not a sleeping task: with
/// every slot taken each request waits, and a scheduled task is far
/// cheaper than a task.
public enum Waiting {
    /// `join` is called once, at once, with the continuation: it either
    /// returns the grant (room came while the caller was getting ready) or
    /// enqueues the continuation and returns nil. `leave` is called at most
    /// once, when the time runs out or the task is cancelled; it must
    /// refuse the waiter's turn if it is still in the line (a turn granted
    /// meanwhile stays granted).
    /// An actor's method passes its isolation on, so that `join` runs on
    /// the actor, in the same turn as the check that found no room.
    public static func wait<Grant: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        atMost timeout: Duration,
        join: (CheckedContinuation<Grant?, Never>) -> Grant?,
        leave: @escaping @Sendable () -> Void
    ) async -> Grant? {
        let expiry = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(timeout), leave)
        defer { expiry.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if let granted = join(continuation) { continuation.resume(returning: granted) }
            }
        } onCancel: {
            leave()
        }
    }
}
