import Logging
import NIOCore
import NIOHTTP1
import NIOHTTP2

/// One HTTP/2 stream as its serving task sees it: the stream's channel
/// and, at its end, the same request/response bridge an HTTP/1.1
/// connection has (`ConnectionIO`), fed by NIO's per-stream HTTP/1 codec.
struct HTTP2StreamIO: Sendable {
    let channel: Channel
    let io: ConnectionIO
}

/// The handlers of an HTTP/2 connection: swift-nio-http2's frame handler
/// with Hearth's limits, its connection manager (idle timeout, graceful
/// GOAWAY), a logger of the connection errors the peer caused
/// (`HTTP2Refusals`), and per stream the HTTP/1 codec and a
/// `ConnectionIO`. The streams go to the connection's task
/// (`HTTP2Connection`) through the returned stream.
struct HTTP2Pipeline: Sendable {
    let limits: HTTP2Limits
    /// The HTTP/1.1 head limit, the header list size's default.
    let maxHeaderBytes: Int
    let idleTimeout: Duration
    let shutdownTimeout: Duration
    let maxRequestsPerConnection: Int
    let sendTimeout: SendProgressWatch.Timeout
    let logger: Logger

    init(configuration: HTTPServerConfiguration, logger: Logger) {
        limits = configuration.http2
        maxHeaderBytes = configuration.maxHeaderBytes
        idleTimeout = configuration.idleTimeout
        shutdownTimeout = configuration.shutdownTimeout
        maxRequestsPerConnection = configuration.maxRequestsPerConnection
        sendTimeout = SendProgressWatch.Timeout(duration: TimeAmount(configuration.sendTimeout), logger: logger)
        self.logger = logger
    }

    func configure(_ channel: Channel) throws -> AsyncStream<HTTP2StreamIO> {
        let (streams, opened) = AsyncStream.makeStream(of: HTTP2StreamIO.self)
        let manager = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: channel.eventLoop,
            configuration: .init(maxIdleTime: nil, maxAge: nil, maxGraceTime: TimeAmount(shutdownTimeout), keepalive: nil)
        )
        let pipeline = channel.pipeline.syncOperations
        // Between the socket (or TLS) and the frame handler: one flush a turn.
        try pipeline.addHandler(FlushCoalescer())
        let idle = HTTP2IdleTimer(timeout: TimeAmount(idleTimeout), maxStreams: maxRequestsPerConnection)
        _ = try pipeline.configureHTTP2Pipeline(
            mode: .server, connectionConfiguration: connectionConfiguration, streamConfiguration: streamConfiguration,
            streamDelegate: StreamWatchers(manager: manager.http2StreamDelegate, idle: NIOLoopBound(idle, eventLoop: channel.eventLoop))
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                let io = ConnectionIO(stream: stream.eventLoop, sendTimeout: sendTimeout)
                try stream.pipeline.syncOperations.addHandler(AuthorityFirst())
                try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try stream.pipeline.syncOperations.addHandler(io)
                opened.yield(HTTP2StreamIO(channel: stream, io: io))
            }
        }
        try pipeline.addHandler(manager)
        try pipeline.addHandler(idle)
        try pipeline.addHandler(HTTP2Refusals(logger: logger))
        channel.closeFuture.whenComplete { _ in opened.finish() }
        return streams
    }

    private var connectionConfiguration: NIOHTTP2Handler.ConnectionConfiguration {
        var configuration = NIOHTTP2Handler.ConnectionConfiguration()
        configuration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: limits.maxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: limits.maxHeaderListSize ?? maxHeaderBytes),
        ]
        configuration.maximumSequentialContinuationFrames = limits.maxContinuationFrames
        return configuration
    }

    private var streamConfiguration: NIOHTTP2Handler.StreamConfiguration {
        var configuration = NIOHTTP2Handler.StreamConfiguration()
        configuration.streamResetFrameRateLimit.maximumCount = limits.maxResets
        configuration.streamResetFrameRateLimit.windowLength = TimeAmount(limits.resetWindow)
        return configuration
    }
}

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

/// Logs a connection error the peer caused, once, naming the peer and
/// what it did; swift-nio-http2 has already sent GOAWAY and the
/// connection closes. Stream errors (a RST_STREAM for one bad request)
/// are left to the debug log: the connection goes on.
final class HTTP2Refusals: ChannelInboundHandler {
    typealias InboundIn = Any

    private let logger: Logger
    private var logged = false

    init(logger: Logger) {
        self.logger = logger
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let peer = context.channel.remoteAddress?.description ?? "-"
        if error is NIOHTTP2Errors.MaxStreamsViolation {
            // swift-nio-http2 answers it with GOAWAY (PROTOCOL_ERROR) naming
            // no last stream: the streams already open are answered, then
            // the client closes (or the idle timeout does).
            logger.notice("http2: the client opened more streams than max_concurrent_streams; GOAWAY sent, open streams finish", metadata: [
                "remote": "\(peer)", "error": "\(error)",
            ])
        } else if let what = Self.describe(error) {
            if !logged {
                logged = true
                logger.notice("http2: \(what); GOAWAY sent, closing the connection", metadata: ["remote": "\(peer)", "error": "\(error)"])
            }
            context.close(promise: nil)
        } else {
            logger.debug("http2: stream or connection error", metadata: ["remote": "\(peer)", "error": "\(error)"])
        }
    }

    /// What the peer did, for the errors that end the connection.
    static func describe(_ error: any Error) -> String? {
        switch error {
        case is NIOHTTP2Errors.ExcessiveRSTFrames: "the client reset too many streams (rapid reset, CVE-2023-44487)"
        case is NIOHTTP2Errors.ExcessiveContinuationFrames: "the client sent too many CONTINUATION frames (CONTINUATION flood, CVE-2024-27316)"
        case is NIOHTTP2Errors.ExcessivelyLargeHeaderBlock: "the client sent a header list over the limit"
        case is NIOHTTP2Errors.ExcessiveNumberOfGlitches: "the client caused too many stream errors"
        case is NIOHTTP2Errors.ExcessiveStreamErrors: "the client caused too many stream errors"
        case is NIOHTTP2Errors.ExcessiveControlFrames: "the client sent too many control frames (PING, SETTINGS, PRIORITY)"
        case is NIOHTTP2Errors.ExcessiveEmptyDataFrames: "the client sent too many empty DATA frames"
        case is NIOHTTP2Errors.BadClientMagic: "the client did not open with the HTTP/2 preface"
        case is NIOHTTP2Errors.UnableToParseFrame: "the client sent a malformed frame"
        default: nil
        }
    }
}

/// Streams opening and closing, told to the connection manager (graceful
/// shutdown) and to the idle timer; called on the connection's event loop.
struct StreamWatchers: NIOHTTP2StreamDelegate {
    let manager: NIOHTTP2ServerConnectionManagementHandler.HTTP2StreamDelegate
    let idle: NIOLoopBound<HTTP2IdleTimer>

    func streamCreated(_ id: HTTP2StreamID, channel: Channel) {
        manager.streamCreated(id, channel: channel)
        idle.value.streamCreated(id)
    }

    func streamClosed(_ id: HTTP2StreamID, channel: Channel) {
        manager.streamClosed(id, channel: channel)
        idle.value.streamClosed()
    }
}
