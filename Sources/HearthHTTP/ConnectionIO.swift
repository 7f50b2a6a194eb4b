import NIOCore
import NIOHTTP1

/// One connection's request parts in, response bytes out, between the
/// channel pipeline and the connection's task.
///
/// It replaces `NIOAsyncChannel`, whose general machinery (a producer
/// state machine and an async writer, with cancellation handlers and locks
/// on every element) cost more per request than everything Hearth does
/// itself (docs/performance.md, "Hot rows"). The rule that makes this
/// cheap: when the task already runs on the channel's event loop (Swift
/// concurrency on NIO's loops, as `hearth serve` sets up), a part that is
/// buffered is taken and a write is made synchronously, without a
/// continuation; only waiting for data, or for the socket to drain, suspends.
///
/// State is confined to the event loop; the task-side methods hop onto it
/// when called from elsewhere. Hence `@unchecked Sendable`.
final class ConnectionIO: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Parts buffered before reading from the socket pauses, and the level
    /// at which it resumes: the request body's backpressure.
    private static let highWatermark = 16
    private static let lowWatermark = 4

    let eventLoop: EventLoop
    private var context: ChannelHandlerContext?
    private var parts = CircularBuffer<Result<HTTPServerRequestPart, any Error>>()
    private var partWaiter: CheckedContinuation<HTTPServerRequestPart?, any Error>?
    private var inputEnded = false
    private var readHeld = false
    private var writeWaiters = CircularBuffer<(parts: [NIOAny], size: Int, continuation: CheckedContinuation<Void, any Error>)>()
    /// When the decoder last produced a part (a complete head, a body
    /// chunk, an end): read by the idle timer, on the event loop, so that a
    /// request that has arrived but is not yet taken by the task is not
    /// mistaken for idleness. A head still arriving byte by byte produces
    /// no part, so it stays bounded by the idle timeout.
    private(set) var lastPartAt = NIODeadline.uptimeNanoseconds(0)
    /// How many parts the decoder has produced: `FramingByteLimit` counts
    /// the raw bytes that produced none.
    private(set) var partsReceived = 0
    /// Between a request's head and its end: what the decoder reads now is
    /// body framing (`FramingByteLimit`).
    private(set) var isInsideBody = false

    /// Closes the connection when a response makes no progress to the
    /// client for the send timeout.
    private var sendWatch: SendProgressWatch?

    /// The same for an HTTP/2 stream, which has no socket to ask.
    private let stallWatch: StalledStreamWatch?

    init(eventLoop: EventLoop, sendTimeout: SendProgressWatch.Timeout? = nil) {
        self.eventLoop = eventLoop
        self.sendWatch = sendTimeout.map { SendProgressWatch(timeout: $0) }
        self.stallWatch = nil
    }

    /// The bridge of one HTTP/2 stream (`HTTP2Pipeline`).
    init(stream eventLoop: EventLoop, sendTimeout: SendProgressWatch.Timeout) {
        self.eventLoop = eventLoop
        self.sendWatch = nil
        self.stallWatch = StalledStreamWatch(timeout: sendTimeout)
    }

    // MARK: The task's side

    /// The next request part; nil once the connection's input has ended.
    /// Throws what the decoder or the socket reported, in stream order.
    func next() async throws -> HTTPServerRequestPart? {
        if eventLoop.inEventLoop, let ready = takeReady() { return try ready.get() }
        return try await withCheckedThrowingContinuation { continuation in
            eventLoop.execute { self.takeOrWait(continuation) }
        }
    }

    /// Writes and flushes `data`; suspends only while the socket is not
    /// writable. Throws once the connection is closed.
    func write(_ data: IOData) async throws {
        // The common case, one part, without building an array for it.
        if eventLoop.inEventLoop, let written = writeIfReady(CollectionOfOne(NIOAny(data)), size: data.readableBytes) { return try written.get() }
        try await withCheckedThrowingContinuation { continuation in
            eventLoop.execute { self.writeOrWait([NIOAny(data)], size: data.readableBytes, continuation) }
        }
    }

    /// Writes `parts` in order and flushes once: a response head and a
    /// file region leave together, as one batch for the socket.
    func write(_ parts: [IOData]) async throws {
        try await write(parts.map { NIOAny($0) }, size: parts.reduce(0) { $0 + $1.readableBytes })
    }

    /// On an HTTP/2 stream the response leaves as parts, which the stream's
    /// codec turns into HEADERS and DATA frames (`HTTP2StreamPipeline`);
    /// the same wait for writability applies: the stream is writable while
    /// its flow-control window and the connection have room.
    func write(_ parts: [HTTPServerResponsePart]) async throws {
        try await write(parts.map { NIOAny($0) }, size: parts.reduce(0) { $0 + $1.bodyBytes })
    }

    private func write(_ parts: [NIOAny], size: Int) async throws {
        if eventLoop.inEventLoop, let written = writeIfReady(parts, size: size) { return try written.get() }
        try await withCheckedThrowingContinuation { continuation in
            eventLoop.execute { self.writeOrWait(parts, size: size, continuation) }
        }
    }

    /// Lingering close (RFC 9112 §9.6): the server is done, but the
    /// client may still be sending a body it refused. Closing now would
    /// make the kernel answer those bytes with a reset, and a reset can
    /// destroy the response (the 400 or 413) before the client reads it.
    /// So the output is shut, and what still comes is read and dropped
    /// until the client closes or `limit` passes (Apache's lingering close).
    func lingerUntilInputEnds(limit: TimeAmount) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            eventLoop.execute { self.linger(limit: limit, continuation) }
        }
    }

    /// Calls `handler` on the event loop once the client sends its FIN,
    /// at once if it has already.
    func whenPeerHalfCloses(_ handler: @escaping @Sendable () -> Void) {
        guard eventLoop.inEventLoop else { return eventLoop.execute { self.whenPeerHalfCloses(handler) } }
        if peerHalfClosed { handler() } else { halfCloseHandler = handler }
    }

    // MARK: Event-loop side

    private var lingering: CheckedContinuation<Void, Never>?
    private var lingerLimit: Scheduled<Void>?
    /// The socket itself is closed (not only the stream of parts, which a
    /// decoder error ends too).
    private var socketClosed = false
    /// The client sent its FIN and nothing more can come.
    private var peerHalfClosed = false
    /// Told once when the client sends its FIN (`whenPeerHalfCloses`).
    private var halfCloseHandler: (@Sendable () -> Void)?

    private func linger(limit: TimeAmount, _ continuation: CheckedContinuation<Void, Never>) {
        // A client that half-closed has stopped sending already.
        guard !socketClosed, !peerHalfClosed, let context else { return continuation.resume() }
        lingering = continuation
        parts.removeAll()
        context.close(mode: .output, promise: nil)
        if readHeld {
            readHeld = false
            context.read()
        }
        lingerLimit = context.eventLoop.assumeIsolated().scheduleTask(in: limit) { self.stopLingering() }
    }

    private func stopLingering() {
        // Cancelled, not left to fire: it holds this handler, and through
        // it the whole connection, until then.
        lingerLimit?.cancel()
        lingerLimit = nil
        let continuation = lingering
        lingering = nil
        continuation?.resume()
    }

    /// Closes the connection once its task is done with it. After the
    /// client's FIN, by shutting the output: with the input shut already
    /// that closes the socket whole, and over TLS it sends `close_notify`
    /// without waiting for one from a client that can no longer send
    /// (swift-nio-ssl's full close would wait, `TLSCertificateLoader`).
    func closeConnection() {
        guard eventLoop.inEventLoop else { return eventLoop.execute { self.closeConnection() } }
        guard let context else { return }
        context.close(mode: peerHalfClosed && !socketClosed ? .output : .all, promise: nil)
    }

    /// A buffered part (or the end) when there is one, without waiting.
    private func takeReady() -> Result<HTTPServerRequestPart?, any Error>? {
        if let part = parts.popFirst() {
            resumeReadingIfDrained()
            return part.map { $0 }
        }
        return inputEnded ? .success(nil) : nil
    }

    private func takeOrWait(_ continuation: CheckedContinuation<HTTPServerRequestPart?, any Error>) {
        if let ready = takeReady() {
            continuation.resume(with: ready)
        } else {
            precondition(partWaiter == nil, "two readers of one connection")
            partWaiter = continuation
        }
    }

    private func writeIfReady(_ parts: some Collection<NIOAny>, size: Int) -> Result<Void, any Error>? {
        guard let context, context.channel.isActive else { return .failure(ChannelError.ioOnClosedChannel) }
        guard writeWaiters.isEmpty, context.channel.isWritable else { return nil }
        writeAndFlush(parts, size: size, context: context)
        return .success(())
    }

    private func writeAndFlush(_ parts: some Collection<NIOAny>, size: Int, context: ChannelHandlerContext) {
        for part in parts { context.write(part, promise: nil) }
        context.flush()
        sendWatch?.queued(size, context: context)
    }

    private func writeOrWait(_ parts: [NIOAny], size: Int, _ continuation: CheckedContinuation<Void, any Error>) {
        if let written = writeIfReady(parts, size: size) {
            continuation.resume(with: written)
        } else {
            writeWaiters.append((parts, size, continuation))
            if let stallWatch, let context { stallWatch.waiting(context) { [self] in !writeWaiters.isEmpty } }
        }
    }

    private func deliver(_ part: Result<HTTPServerRequestPart, any Error>) {
        if lingering != nil { return }
        if let waiter = partWaiter {
            partWaiter = nil
            waiter.resume(with: part.map { $0 })
        } else {
            parts.append(part)
        }
    }

    /// Nothing more comes in: the socket closed, or (`halfClosed`) only
    /// the client's sending side did.
    private func endInput(halfClosed: Bool = false) {
        inputEnded = true
        if halfClosed { peerHalfClosed = true } else { socketClosed = true }
        stopLingering()
        if let waiter = partWaiter {
            partWaiter = nil
            waiter.resume(returning: nil)
        }
    }

    private func resumeReadingIfDrained() {
        guard readHeld, parts.count <= Self.lowWatermark, let context else { return }
        readHeld = false
        context.read()
    }

    // MARK: ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastPartAt = .now()
        partsReceived &+= 1
        let part = unwrapInboundIn(data)
        if case .end = part { isInsideBody = false } else { isInsideBody = true }
        deliver(.success(part))
    }

    /// A malformed request (the decoder's error) or a failed socket: the
    /// task sees it after the parts before it, and nothing comes after.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !inputEnded else { return }
        deliver(.failure(error))
        inputEnded = true
    }

    /// The client half-closed (allowed on HTTP/1.1, `ProtocolSetup`): it
    /// sends nothing more but still reads. The request it sent is served;
    /// then the connection ends, as nothing can follow (RFC 9112 §9.6).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            endInput(halfClosed: true)
            let handler = halfCloseHandler
            halfCloseHandler = nil
            handler?()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        sendWatch?.stop()
        stallWatch?.stop()
        endInput()
        let waiters = writeWaiters
        writeWaiters.removeAll()
        for waiter in waiters { waiter.continuation.resume(throwing: ChannelError.ioOnClosedChannel) }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        while context.channel.isWritable, let waiter = writeWaiters.popFirst() {
            writeAndFlush(waiter.parts, size: waiter.size, context: context)
            stallWatch?.progressed()
            waiter.continuation.resume()
        }
        context.fireChannelWritabilityChanged()
    }

    /// Holds the socket's reads while the task is behind, so a client
    /// sending a large body is slowed to the pace the responder reads it.
    func read(context: ChannelHandlerContext) {
        if parts.count >= Self.highWatermark {
            readHeld = true
        } else {
            context.read()
        }
    }
}

extension HTTPServerResponsePart {
    /// The body bytes a part carries, for the send timeout's count.
    var bodyBytes: Int {
        if case .body(let data) = self { return data.readableBytes }
        return 0
    }
}
