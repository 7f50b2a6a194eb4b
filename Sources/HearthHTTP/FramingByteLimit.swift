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

    /// Inside a body: far above any honest chunk line (a size and a few
    /// extensions); Node.js set the same 16 KiB for CVE-2024-22019.
    static let chunkLineLimit = 16 * 1024
    /// Between requests: above the largest head NIO's decoder takes (80 KiB),
    /// which refuses a larger one itself.
    static let headLimit = 128 * 1024

    private let io: ConnectionIO
    private var unproductive = 0
    private var exceeded = false

    init(io: ConnectionIO) {
        self.io = io
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
        let limit = io.isInsideBody ? Self.chunkLineLimit : Self.headLimit
        if unproductive > limit {
            exceeded = true
            context.fireErrorCaught(Exceeded(limit: limit))
        }
    }
}
