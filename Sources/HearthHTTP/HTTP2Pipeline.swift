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
