import NIOCore

/// Runs a connection's task, and the child tasks it starts, on the
/// connection's own event loop (SE-0417 task executor preference).
///
/// Why not only NIO's global-executor takeover (which `hearth serve` also
/// installs): it runs every job as if isolated to the event loop's *serial*
/// executor, so each call into a nonisolated async function must first hop
/// to the generic executor — a full enqueue and dequeue on the same loop,
/// several per request (a sixth of the hot path's time in the profile). A
/// job run on a preferred *task* executor is already where nonisolated code
/// runs, so those calls proceed in place; and a task on its channel's loop
/// reads buffered parts and writes without a hop (`ConnectionIO`).
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: EventLoop

    init(_ eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
