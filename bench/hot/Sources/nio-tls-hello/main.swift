// The ceiling for Swift on bench/tls's rows: bare SwiftNIO serving the
// same 1 KiB body from memory over TLS (swift-nio-ssl), HTTP/1.1 and
// HTTP/2 by ALPN (swift-nio-http2's stream channels and its HTTP/1 codec,
// the way its documentation sets a server up), and over plain HTTP/1.1.
// Channel handlers only: no async/await, no file, no router.
// `nio-tls-hello --port N --plain-port N --cert FILE --key FILE`.
// The event-loop count is NIO's singleton default (System.coreCount)
// unless NIO_SINGLETON_GROUP_LOOP_COUNT says otherwise.
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL

/// One line to fd 1 (or 2), unbuffered: stdout's C stream is not
/// concurrency-safe in Swift 6.
func say(_ line: String, to fd: Int32 = 1) {
    var line = line + "\n"
    line.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
}

/// Answers every request with the same 1 KiB, as bench/tls's file is.
final class Kilobyte: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private static let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1024)
    private static let headers: HTTPHeaders = [
        "Content-Type": "application/octet-stream",
        "Content-Length": "\(body.readableBytes)",
    ]
    private var version = HTTPVersion.http1_1

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            version = head.version
        case .body:
            break
        case .end:
            let head = HTTPResponseHead(version: version, status: .ok, headers: Self.headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(Self.body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

func value(of flag: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

guard let port = value(of: "--port").flatMap(Int.init), let plainPort = value(of: "--plain-port").flatMap(Int.init),
      let certificate = value(of: "--cert"), let key = value(of: "--key")
else {
    say("usage: nio-tls-hello --port N --plain-port N --cert FILE --key FILE", to: 2)
    exit(2)
}

var tls = TLSConfiguration.makeServerConfiguration(
    certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
    privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
)
tls.applicationProtocols = ["h2", "http/1.1"]
let context = try NIOSSLContext(configuration: tls)

let group = MultiThreadedEventLoopGroup.singleton
say("nio-tls-hello: event-loop threads \(NIOSingletons.groupLoopCountSuggestion) (System.coreCount \(System.coreCount)); no Swift concurrency")

func bootstrap(secure: Bool) -> ServerBootstrap {
    ServerBootstrap(group: group)
        .serverChannelOption(.backlog, value: 256)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            guard secure else {
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Kilobyte())
                }
            }
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
            }.flatMap {
                channel.configureHTTP2SecureUpgrade(
                    h2ChannelConfigurator: { channel in
                        channel.configureHTTP2Pipeline(mode: .server) { stream in
                            stream.eventLoop.makeCompletedFuture {
                                try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                                try stream.pipeline.syncOperations.addHandler(Kilobyte())
                            }
                        }.map { _ in }
                    },
                    http1ChannelConfigurator: { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                            try channel.pipeline.syncOperations.addHandler(Kilobyte())
                        }
                    }
                )
            }
        }
        .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        .childChannelOption(.maxMessagesPerRead, value: 16)
}

let secure = try bootstrap(secure: true).bind(host: "127.0.0.1", port: port).wait()
_ = try bootstrap(secure: false).bind(host: "127.0.0.1", port: plainPort).wait()
try secure.closeFuture.wait()
