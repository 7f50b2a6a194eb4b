import NIOCore
import NIOHTTP2

/// The idle timeout of an HTTP/2 connection, its end after
/// `max_requests_per_connection` streams (a graceful GOAWAY, as nginx's
/// `keepalive_requests` does for HTTP/2), and the end of an idle one at a
/// graceful shutdown: with no stream open for the
/// server's `idle_timeout`, GOAWAY (NO_ERROR, naming the last stream
/// served) and close, as nginx does. Not the connection manager's own
/// idle timer: that one waits for the client to acknowledge a PING before
/// it closes, and a client that does not is never closed.
final class HTTP2IdleTimer: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private let timeout: TimeAmount
    private let maxStreams: Int
    private var streamsOpened = 0
    private var openStreams = 0
    private var lastStream = HTTP2StreamID(0)
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount, maxStreams: Int) {
        self.timeout = timeout
        self.maxStreams = maxStreams
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        arm(context)
    }

    private var context: ChannelHandlerContext?

    func streamCreated(_ id: HTTP2StreamID) {
        openStreams += 1
        streamsOpened += 1
        lastStream = max(lastStream, id)
        timer?.cancel()
        timer = nil
        // From the pipeline's head, so that the connection manager sees it.
        if streamsOpened == maxStreams { context?.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    func streamClosed() {
        openStreams -= 1
        if openStreams == 0, let context { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// The graceful shutdown began (`HTTP2Drain`): with no stream open
    /// there is nothing to finish, and no reason to wait for the client to
    /// acknowledge the connection manager's PING, which one that has gone
    /// quiet never does.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, openStreams == 0 { goAwayAndClose(context) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            guard openStreams == 0 else { return }
            goAwayAndClose(context)
        }
    }

    private func goAwayAndClose(_ context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let goAway = HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: lastStream, errorCode: .noError, opaqueData: nil))
        context.writeAndFlush(wrapOutboundOut(goAway)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
