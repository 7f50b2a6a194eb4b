import NIOCore

/// Bounds the bytes a client may send that the HTTP decoder turns into
/// nothing: a chunk-size line that never ends (`5;` and endless extension
/// bytes, or megabytes of leading zeros), which llhttp consumes without
/// limit and which no body limit counts, since none of it is body.
///
/// It sits before the decoder and counts raw bytes; the decoder runs
/// synchronously in `fireChannelRead`, so after each read it knows whether
/// any part (a head, body bytes, an end) came of it. Past `limit` bytes with
/// no part, the rest of the input is dropped and the connection's reader
/// gets `FramingByteLimit.Exceeded` (answered 400, then closed). A head is
/// bounded the same way, generously above the decoder's own head limit.
final class FramingByteLimit: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// What the connection's reader sees.
    struct Exceeded: Error, CustomStringConvertible {
        var limit: Int
        var description: String { "more than \(limit) bytes of request framing (a chunk-size line or head) with no end" }
    }

    /// Large enough for the largest head NIO's decoder takes (80 KiB), far
    /// above any honest chunk line (a size and a few extensions).
    static let defaultLimit = 128 * 1024

    private let io: ConnectionIO
    private let limit: Int
    private var unproductive = 0
    private var exceeded = false

    init(io: ConnectionIO, limit: Int = FramingByteLimit.defaultLimit) {
        self.io = io
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !exceeded else { return }
        let size = unwrapInboundIn(data).readableBytes
        let partsBefore = io.partsReceived
        context.fireChannelRead(data)
        if io.partsReceived != partsBefore {
            unproductive = 0
            return
        }
        unproductive += size
        if unproductive > limit {
            exceeded = true
            context.fireErrorCaught(Exceeded(limit: limit))
        }
    }
}
