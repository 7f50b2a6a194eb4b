import Logging
import NIOCore
import NIOHTTP2

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
