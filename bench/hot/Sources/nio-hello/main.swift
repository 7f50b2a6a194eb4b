// The ceiling for Swift: a bare SwiftNIO HTTP/1.1 hello. NIOPosix and
// NIOHTTP1's channel handlers (keep-alive, pipelining), one handler that
// answers every request with the same 14 bytes; no async/await, no router.
// `nio-hello --port N`. The event-loop count is NIO's singleton default
// (System.coreCount) unless NIO_SINGLETON_GROUP_LOOP_COUNT says otherwise.
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import NIOPosix

/// One line to fd 1 (or 2), unbuffered: stdout's C stream is not
/// concurrency-safe in Swift 6.
func say(_ line: String, to fd: Int32 = 1) {
    var line = line + "\n"
    line.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
}

final class Hello: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private static let body = ByteBuffer(string: "Hello, world!\n")
    private static let headers: HTTPHeaders = [
        "Content-Type": "text/plain",
        "Content-Length": "\(body.readableBytes)",
    ]
    private var keepAlive = true

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            var headers = Self.headers
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(Self.body))), promise: nil)
            if keepAlive {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            } else {
                let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                    loopBound.value.close(promise: nil)
                }
            }
        }
    }
}

let arguments = CommandLine.arguments
guard let portIndex = arguments.firstIndex(of: "--port"), portIndex + 1 < arguments.count,
      let port = Int(arguments[portIndex + 1])
else {
    say("usage: nio-hello --port N", to: 2)
    exit(2)
}

let group = MultiThreadedEventLoopGroup.singleton
say("nio-hello: event-loop threads \(NIOSingletons.groupLoopCountSuggestion) (System.coreCount \(System.coreCount)); no Swift concurrency")

let channel = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(Hello())
        }
    }
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelOption(.maxMessagesPerRead, value: 16)
    .bind(host: "127.0.0.1", port: port)
    .wait()
try channel.closeFuture.wait()
