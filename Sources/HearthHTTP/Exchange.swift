import NIOCore
import NIOHTTP1

/// The state of one request/response exchange, shared by the connection
/// loop (which logs it and decides about keep-alive) and the writer.
/// Used by one task at a time, like `RequestStream`.
final class Exchange: @unchecked Sendable {
    enum Phase { case awaitingHead, streamingBody, finished, rawTakeover }

    let outbound: ConnectionIO
    let channel: Channel
    let requestHead: HTTPRequestHead
    let serverSoftware: String
    /// The request's body source, for `Expect: 100-continue` bookkeeping.
    let requestStream: RequestStream
    /// Knows whether the server has begun a graceful shutdown.
    let registry: ConnectionRegistry
    var keepAlive: Bool
    var phase = Phase.awaitingHead
    var status: HTTPResponseStatus?
    var bodyBytesSent = 0
    /// The user an authenticating responder recorded, for the access log's `%u`.
    var user: String?
    /// The request's body was refused (413, 411, 400): what is left of it
    /// may still be arriving when the connection closes.
    var bodyRefused = false
    /// When the head was read: the access log's `%D` and `%T` count from here.
    let received = ContinuousClock.now
    /// The connection is TLS: files are copied, not sent with sendfile.
    var encrypted = false
    /// Fields the listener adds to every response (HSTS).
    var listenerFields: [(name: String, value: String)] = []
    /// `send_timeout`: on an HTTP/2 stream, how long the end of a
    /// response may wait for the client's window.
    var sendTimeout = TimeAmount.seconds(30)
    /// The request's id, sent back in `X-Request-Id` (`RequestID`).
    let requestID: String

    init(
        outbound: ConnectionIO, channel: Channel, requestHead: HTTPRequestHead, serverSoftware: String, keepAlive: Bool,
        requestStream: RequestStream, registry: ConnectionRegistry, requestID: String
    ) {
        self.requestID = requestID
        self.outbound = outbound
        self.channel = channel
        self.requestHead = requestHead
        self.serverSoftware = serverSoftware
        self.keepAlive = keepAlive
        self.requestStream = requestStream
        self.registry = registry
    }

    /// The request came on an HTTP/2 stream (the stream's codec reads it
    /// as version 2.0): the response leaves as HEADERS and DATA frames.
    var isHTTP2: Bool { requestHead.version.major == 2 }

    /// Decides, as the head is serialized, whether the connection stays
    /// open after this response, so that `Connection: close` tells the
    /// client (RFC 9112 §9.6) instead of a close it cannot foresee.
    func settleKeepAlive() {
        // A graceful shutdown began while this request was in flight.
        if registry.isDraining { keepAlive = false }
        // RFC 9110 §10.1.1: a final response before the body was asked for
        // SHOULD say whether the server closes; it does, since the body may
        // never come and so cannot be skipped.
        if requestStream.continueIsDue { keepAlive = false }
    }

    /// Called as the first bytes of the response go out.
    func responseStarted() {
        onWire = true
        requestStream.finalResponseStarted()
    }

    /// Whether any byte of the response has gone out. A head that was
    /// written but is still held back (it leaves with the first body bytes)
    /// can yet be replaced by an error response.
    private(set) var onWire = false

    /// Returns once everything handed to `outbound` so far has reached the
    /// socket. `outbound.write` reports no write completion, so an empty
    /// write is queued behind those writes (the event loop runs tasks in
    /// order, and pending writes complete in order) and its promise is
    /// awaited. A file handle lent to a `FileRegion` may close only then.
    func allWritten() async throws {
        // A stream's writes are parts, and no file region is lent to one.
        if isHTTP2 { return }
        try await channel.writeAndFlush(IOData.byteBuffer(ByteBuffer())).get()
    }
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
