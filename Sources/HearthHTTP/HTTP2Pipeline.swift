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
    let logger: Logger

    init(configuration: HTTPServerConfiguration, logger: Logger) {
        limits = configuration.http2
        maxHeaderBytes = configuration.maxHeaderBytes
        idleTimeout = configuration.idleTimeout
        shutdownTimeout = configuration.shutdownTimeout
        self.logger = logger
    }

    func configure(_ channel: Channel) throws -> AsyncStream<HTTP2StreamIO> {
        let (streams, opened) = AsyncStream.makeStream(of: HTTP2StreamIO.self)
        let manager = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: channel.eventLoop,
            configuration: .init(maxIdleTime: TimeAmount(idleTimeout), maxAge: nil, maxGraceTime: TimeAmount(shutdownTimeout), keepalive: nil)
        )
        let pipeline = channel.pipeline.syncOperations
        _ = try pipeline.configureHTTP2Pipeline(
            mode: .server, connectionConfiguration: connectionConfiguration, streamConfiguration: streamConfiguration,
            streamDelegate: manager.http2StreamDelegate
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                let io = ConnectionIO(eventLoop: stream.eventLoop)
                try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try stream.pipeline.syncOperations.addHandler(io)
                opened.yield(HTTP2StreamIO(channel: stream, io: io))
            }
        }
        try pipeline.addHandler(manager)
        // The manager starts its idle timer on channelActive, which this
        // connection passed before ALPN or the preface chose HTTP/2.
        try pipeline.addHandler(ActivationReplay(), position: .before(manager))
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

/// Replays channelActive to the handlers after it, once, as it is added.
final class ActivationReplay: ChannelInboundHandler {
    typealias InboundIn = Any

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { context.fireChannelActive() }
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
        if let what = Self.describe(error) {
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
