import NIOCore
import NIOHTTP1

/// The state of one request/response exchange, shared by the connection
/// loop (which logs it and decides about keep-alive) and the writer.
/// Used by one task at a time, like `RequestStream`.
final class Exchange: @unchecked Sendable {
    enum Phase { case awaitingHead, streamingBody, finished, rawTakeover }

    let outbound: NIOAsyncChannelOutboundWriter<IOData>
    let requestHead: HTTPRequestHead
    let serverSoftware: String
    var keepAlive: Bool
    var phase = Phase.awaitingHead
    var status: HTTPResponseStatus?
    var bodyBytesSent = 0

    init(outbound: NIOAsyncChannelOutboundWriter<IOData>, requestHead: HTTPRequestHead, serverSoftware: String, keepAlive: Bool) {
        self.outbound = outbound
        self.requestHead = requestHead
        self.serverSoftware = serverSoftware
        self.keepAlive = keepAlive
    }

    var headWritten: Bool { phase != .awaitingHead }
}

/// How the body of a response is delimited on the wire.
enum BodyFraming: Equatable {
    /// No body at all: HEAD, 1xx, 204, 304.
    case none
    case length(Int)
    case chunked
    /// HTTP/1.0 without a length: the end of the body closes the connection.
    case untilClose
}
