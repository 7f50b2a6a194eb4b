import Logging
import NIOCore
import Synchronization

/// First in the pipeline of a `proxy_protocol` listener: reads the PROXY
/// header the proxy sends before anything else, keeps the client it names
/// for the connection's requests (`client`), passes the rest on, and leaves
/// the pipeline. A peer not in `trusted_proxies`, or a connection that does
/// not begin with a valid header, is closed with a log line: a client must
/// not be able to name its own address.
final class ProxyProtocolHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let trusted: [IPNetwork]
    private let logger: Logger
    private let received = Mutex<[UInt8]>([])
    private let header = Mutex<ProxyHeader?>(nil)

    init(trusted: [IPNetwork], logger: Logger) {
        self.trusted = trusted
        self.logger = logger
    }

    /// The client the header named; nil before it came, or for `LOCAL`.
    var client: (address: String, port: Int)? {
        guard case .client(let address, let port) = header.withLock({ $0 }) else { return nil }
        return (address, port)
    }

    func channelActive(context: ChannelHandlerContext) {
        let peer = context.remoteAddress?.ipAddress ?? ""
        guard ForwardedClient.isTrusted(peer, trusted) else {
            return refuse(context, "a PROXY protocol listener refused a peer not in trusted_proxies", peer: peer)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = received.withLock { received in
            received += buffer.readBytes(length: buffer.readableBytes) ?? []
            return received
        }
        switch ProxyHeader.parse(bytes[...]) {
        case .needMore:
            return
        case .invalid(let reason):
            refuse(context, "PROXY protocol: \(reason)", peer: context.remoteAddress?.ipAddress ?? "")
        case .header(let parsed, let length):
            header.withLock { $0 = parsed }
            received.withLock { $0 = [] }
            let rest = bytes.dropFirst(length)
            if !rest.isEmpty { context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: rest))) }
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        }
    }

    private func refuse(_ context: ChannelHandlerContext, _ message: String, peer: String) {
        logger.warning("\(message); connection closed", metadata: ["remote": "\(peer)"])
        context.close(promise: nil)
    }
}
