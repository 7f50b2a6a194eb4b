#if canImport(Glibc)
import Glibc
#endif
import HearthRelay
import NIOCore
import NIOPosix

/// A script's stderr pipe, read without an event-loop registration while
/// it can be. Most scripts write nothing there and have exited by the time
/// their stdout ends: one non-blocking read then finds the end of file, and
/// the pipe never costs a channel (whose set-up and teardown were about a
/// tenth of a cold request's server time; docs/performance.md).
///
/// A script still writing to stderr gets the channel (`ScriptStderr`),
/// which logs it as it comes: when its stdout ends with stderr still open,
/// or `watchAfter` after the start, whichever is first. So a script that
/// fills the pipe (64 KiB) before it answers waits at most that long, and
/// a long-running script's lines reach the log that late at most.
///
/// Confined to its event loop once started; hence `@unchecked Sendable`.
final class ScriptStderrPipe: @unchecked Sendable {
    static let watchAfter: TimeAmount = .milliseconds(100)

    private enum State {
        case unwatched(Int32)
        case watched(EventLoopFuture<any Channel>)
        case closed
    }

    let eventLoop: any EventLoop
    private var state: State
    private var lines = LineSplitter()
    private let log: @Sendable (String) -> Void
    private var watchTimer: Scheduled<Void>?

    /// Takes ownership of `fd`, the parent's (read) end.
    init(fd: Int32, on eventLoop: any EventLoop, log: @escaping @Sendable (String) -> Void) {
        // Only this end: the script's end stays blocking, as it expects.
        _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        self.eventLoop = eventLoop
        self.state = .unwatched(fd)
        self.log = log
        self.watchTimer = eventLoop.scheduleTask(in: Self.watchAfter) { [self] in _ = drainOrWatch() }
    }

    /// Once stdout has ended: reads what is left and returns at the end of
    /// file. If the pipe is still open, it is watched, and closed after
    /// `grace` if something (a child the script left) keeps it open.
    func finish(grace: TimeAmount) async {
        let watched = eventLoop.inEventLoop ? drainOrWatch() : try? await eventLoop.submit { self.drainOrWatch() }.get()
        guard let watched, let channel = try? await watched.get() else { return }
        let closer = eventLoop.scheduleTask(in: grace) { channel.close(promise: nil) }
        _ = try? await channel.closeFuture.get()
        closer.cancel()
    }

    /// Closes the pipe unread (the script's start failed after the spawn).
    func close() {
        guard eventLoop.inEventLoop else { return eventLoop.execute { self.close() } }
        watchTimer?.cancel()
        switch state {
        case .unwatched(let fd): Glibc.close(fd)
        case .watched(let channel): channel.whenSuccess { $0.close(promise: nil) }
        case .closed: break
        }
        state = .closed
    }

    // MARK: Event-loop side

    /// Drains the pipe; at its end closes it and returns nil, otherwise
    /// hands it to a channel and returns that.
    private func drainOrWatch() -> EventLoopFuture<any Channel>? {
        switch state {
        case .closed:
            return nil
        case .watched(let channel):
            return channel
        case .unwatched(let fd):
            guard drainReachesEnd(fd) else { return watch(fd) }
            watchTimer?.cancel()
            if let rest = lines.rest() { log(rest) }
            Glibc.close(fd)
            state = .closed
            return nil
        }
    }

    /// Reads until the pipe is empty: true at the end of file (or a read
    /// error, which ends it too; the exit status still tells), false while
    /// the script may write more. At most one pipe's worth per call: a
    /// writer faster than this loop must not hold the event loop, so it
    /// gets the channel, which reads on NIO's fair budget.
    private func drainReachesEnd(_ fd: Int32) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer in
            for _ in 0..<Self.readsPerDrain {
                let count = read(fd, buffer.baseAddress, buffer.count)
                if count > 0 {
                    for line in lines.append(UnsafeBufferPointer(rebasing: buffer[..<count])) { log(line) }
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    return count == 0 || errno != EAGAIN
                }
            }
            return false
        }
    }

    /// 16 reads of 4 KiB: the default pipe's capacity.
    private static let readsPerDrain = 16

    private func watch(_ fd: Int32) -> EventLoopFuture<any Channel> {
        watchTimer?.cancel()
        // The channel carries on with the line begun here, if any.
        let (log, begun) = (log, lines)
        let channel = NIOPipeBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ScriptStderr(log: log, lines: begun)) }
            }
            .takingOwnershipOfDescriptor(input: fd)
        state = .watched(channel)
        return channel
    }
}
