import NIOCore

/// Under an HTTP/2 connection's frame handler: the flushes its streams ask
/// for within one turn of the event loop become one. Each stream flushes
/// the whole connection when it writes (its head, a piece of body, its
/// end), so with many streams in flight every frame was a `write(2)` of
/// its own; a profile under h2load put 42 % of the server's time there.
/// The first flush of a turn schedules one at the end of the turn's queue;
/// the others ride along. A close flushes what is pending first, so a
/// GOAWAY written just before it is not lost.
final class FlushCoalescer: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = Any

    private var flushPending = false

    func flush(context: ChannelHandlerContext) {
        guard !flushPending else { return }
        flushPending = true
        // Both stay on the channel's event loop, where `execute` runs this.
        let bound = NIOLoopBound((coalescer: self, context: context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            bound.value.coalescer.flushNow(bound.value.context)
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        flushNow(context)
        context.close(mode: mode, promise: promise)
    }

    private func flushNow(_ context: ChannelHandlerContext) {
        guard flushPending else { return }
        flushPending = false
        context.flush()
    }
}
