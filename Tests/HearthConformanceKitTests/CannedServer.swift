import NIOCore
import NIOPosix

/// A deliberately wrong server: it reads a request head and answers with
/// whatever bytes `answer` returns for it, then closes. The suite is run
/// against it to prove that its cases can fail.
final class CannedServer: Sendable {
    let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    static func start(answer: @escaping @Sendable (String) -> String) async throws -> CannedServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(CannedHandler(answer: answer)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return CannedServer(port: channel.localAddress!.port!, channel: channel)
    }

    func stop() async throws { try await channel.close() }
}

private final class CannedHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let answer: @Sendable (String) -> String
    private let received = NIOLockedBuffer()

    init(answer: @escaping @Sendable (String) -> String) { self.answer = answer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard let text = received.append(buffer.readString(length: buffer.readableBytes) ?? ""), text.contains("\r\n\r\n") else { return }
        let reply = context.channel.allocator.buffer(string: answer(text))
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// The request bytes seen so far on one connection (event-loop confined).
private final class NIOLockedBuffer: @unchecked Sendable {
    private var text = ""
    func append(_ more: String) -> String? {
        text += more
        return text
    }
}
