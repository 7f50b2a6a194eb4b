#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A script's stdout, read by the request's task a chunk at a time.
///
/// It stands where an `NIOAsyncChannel` stood, for the reason `ConnectionIO`
/// replaced one on the socket: its producer state machine, locks and
/// generic layers cost a cold request more than the rest of its relay
/// (docs/performance.md, "Cold rows"). The pipe is registered on the
/// request's own event loop, so a chunk already buffered is taken without
/// a continuation; only waiting for the script suspends.
///
/// State is confined to the event loop; `next()` hops onto it when called
/// from elsewhere. Hence `@unchecked Sendable`.
final class ScriptStdout: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Never

    /// Chunks buffered before reading the pipe pauses, and the level at
    /// which it resumes: a script writing faster than the client reads is
    /// held by its full pipe, not buffered here.
    private static let highWatermark = 8
    private static let lowWatermark = 2

    let eventLoop: any EventLoop
    private var context: ChannelHandlerContext?
    private var chunks = CircularBuffer<ByteBuffer>()
    private var waiter: CheckedContinuation<ByteBuffer?, any Error>?
    private var failure: (any Error)?
    private var ended = false
    private var readHeld = false
    /// The pipe's descriptor, owned by the channel: read with FIONREAD,
    /// on the loop, only while the channel is open.
    private let descriptor: CInt?
    /// Once the script has exited: the bytes it left in the pipe that are
    /// still to be read. What a descendant writes later is not waited for.
    private var leftByTheScript: Int?

    init(eventLoop: any EventLoop, descriptor: CInt? = nil) {
        self.eventLoop = eventLoop
        self.descriptor = descriptor
    }

    /// The next chunk of output; nil once the script closed stdout (or the
    /// pipe was closed here). A read error is thrown after the chunks before it.
    func next() async throws -> ByteBuffer? {
        if eventLoop.inEventLoop, let ready = takeReady() { return try ready.get() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                eventLoop.execute { self.takeOrWait(continuation) }
            }
        } onCancel: {
            // A cancelled request stops waiting for the script's output.
            self.close()
        }
    }

    /// Every chunk still to come, when the script has already closed its
    /// stdout and they are all buffered here; nil while more may come (or
    /// off the event loop, where the state cannot be read). The common cold
    /// response: a small output, read together with its end of file.
    func takeRestIfEnded() -> [ByteBuffer]? {
        guard eventLoop.inEventLoop, ended, failure == nil else { return nil }
        defer { chunks.removeAll() }
        return Array(chunks)
    }

    /// The script has exited (it was reaped). Everything it wrote is in
    /// the pipe by now; once that is read, the output ends, even if a
    /// descendant it left behind (`setsid sleep 40 &`) still holds the
    /// pipe open: the answer is complete, and neither the request nor the
    /// script's slot waits for the daemon.
    func scriptExited() {
        guard eventLoop.inEventLoop else { return eventLoop.execute { self.scriptExited() } }
        guard !ended, let context, let descriptor else { return }
        var available: CInt = 0
        leftByTheScript = ioctl(descriptor, UInt(FIONREAD), &available) == 0 ? Int(available) : 0
        closeIfDrained(context)
    }

    private func closeIfDrained(_ context: ChannelHandlerContext) {
        guard let left = leftByTheScript, left <= 0 else { return }
        context.close(promise: nil)
    }

    /// Closes the pipe: the script's next write gets EPIPE. Idempotent.
    func close() {
        guard eventLoop.inEventLoop else { return eventLoop.execute { self.close() } }
        context?.close(promise: nil)
    }

    // MARK: Event-loop side

    private func takeReady() -> Result<ByteBuffer?, any Error>? {
        if let chunk = chunks.popFirst() {
            resumeReadingIfDrained()
            return .success(chunk)
        }
        if let failure { return .failure(failure) }
        return ended ? .success(nil) : nil
    }

    private func takeOrWait(_ continuation: CheckedContinuation<ByteBuffer?, any Error>) {
        if let ready = takeReady() {
            continuation.resume(with: ready)
        } else {
            precondition(waiter == nil, "two readers of one script's stdout")
            waiter = continuation
        }
    }

    private func wakeWaiter() {
        guard let waiter, let ready = takeReady() else { return }
        self.waiter = nil
        waiter.resume(with: ready)
    }

    private func resumeReadingIfDrained() {
        guard readHeld, chunks.count <= Self.lowWatermark, let context else { return }
        readHeld = false
        context.read()
    }

    // MARK: ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        ended = true
        wakeWaiter()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let chunk = unwrapInboundIn(data)
        chunks.append(chunk)
        wakeWaiter()
        if let left = leftByTheScript {
            leftByTheScript = left - chunk.readableBytes
            closeIfDrained(context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard failure == nil, !ended else { return }
        failure = error
        wakeWaiter()
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended = true
        wakeWaiter()
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        if chunks.count >= Self.highWatermark {
            readHeld = true
        } else {
            context.read()
        }
    }
}
