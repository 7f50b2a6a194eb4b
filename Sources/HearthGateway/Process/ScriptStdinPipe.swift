#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// A script's stdin pipe, written without an event-loop registration while
/// the pipe has room. A body up to the pipe's capacity (64 KiB), read by
/// the script as it comes, goes in by plain non-blocking writes; only a
/// write that would block hands the pipe to a channel, whose writability
/// then paces the body (the script's own reading is the backpressure).
///
/// Used by the one task that pumps the body (`ScriptRun.pumpStdin`), one
/// call at a time; hence `@unchecked Sendable`.
final class ScriptStdinPipe: @unchecked Sendable {
    private enum State {
        case unwatched(Int32)
        case watched(any Channel)
        case closed
    }

    private let eventLoop: any EventLoop
    private var state: State

    /// Takes ownership of `fd`, the parent's (write) end.
    init(fd: Int32, on eventLoop: any EventLoop) {
        // Only this end: the script's end stays blocking, as it expects.
        _ = fcntl(fd, F_SETFL, O_WRONLY | O_NONBLOCK)
        self.eventLoop = eventLoop
        self.state = .unwatched(fd)
    }

    /// Returns once the pipe took the whole chunk. A script that exited or
    /// closed its stdin makes this throw (EPIPE).
    func write(_ chunk: ByteBuffer) async throws {
        var rest = chunk
        if case .unwatched(let fd) = state {
            try Self.writeWhileThereIsRoom(&rest, to: fd)
            if rest.readableBytes == 0 { return }
            state = .watched(try await NIOPipeBootstrap(group: eventLoop).takingOwnershipOfDescriptor(output: fd).get())
        }
        guard case .watched(let channel) = state else { throw ChannelError.ioOnClosedChannel }
        try await Self.write(rest, to: channel)
    }

    /// Gives the script end of file. Idempotent.
    func close() {
        switch state {
        case .unwatched(let fd): Glibc.close(fd)
        case .watched(let channel): channel.close(promise: nil)
        case .closed: break
        }
        state = .closed
    }

    private static func writeWhileThereIsRoom(_ rest: inout ByteBuffer, to fd: Int32) throws {
        while rest.readableBytes > 0 {
            let written = rest.withUnsafeReadableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written > 0 {
                rest.moveReaderIndex(forwardBy: written)
            } else if errno == EAGAIN {
                return
            } else if errno != EINTR {
                throw IOError(errnoCode: errno, reason: "write to the script's stdin")
            }
        }
    }

    /// Waits until the channel took the rest. When the run ends first (a
    /// script that left its stdin to a child that never reads it), the
    /// pipe is closed, failing the write instead of waiting on it forever.
    private static func write(_ chunk: ByteBuffer, to channel: any Channel) async throws {
        try await withTaskCancellationHandler {
            try await channel.writeAndFlush(chunk).get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}
