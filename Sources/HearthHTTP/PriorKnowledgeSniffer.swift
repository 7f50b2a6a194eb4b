import NIOCore

/// On a plain listener with `h2c: true`: reads the first bytes and, if
/// they are HTTP/2's client connection preface (RFC 9113 §3.4), hands the
/// connection to HTTP/2 (prior knowledge, §3.3); anything else is
/// HTTP/1.1 on the same port. It decides at the first byte that differs
/// from the preface, so an HTTP/1.1 request line ("GET …", "POST …";
/// only the method `PRI` shares a first letter) is not held back.
/// The bytes read so far are passed on to whichever protocol it chose.
final class PriorKnowledgeSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let setup: ProtocolSetup
    private var seen = ByteBuffer()

    init(setup: ProtocolSetup) {
        self.setup = setup
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        seen.writeBuffer(&bytes)
        guard let isHTTP2 = Self.verdict(seen.readableBytesView) else { return }
        do {
            try setup.choose(http2: isHTTP2)
        } catch {
            return context.fireErrorCaught(error)
        }
        let buffered = seen
        seen = ByteBuffer()
        context.fireChannelRead(wrapInboundOut(buffered))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// True: the whole preface came; false: a byte differs from it; nil:
    /// what came so far is a prefix of it.
    static func verdict(_ bytes: some Collection<UInt8>) -> Bool? {
        for (byte, expected) in zip(bytes, preface) where byte != expected { return false }
        return bytes.count >= preface.count ? true : nil
    }
}
