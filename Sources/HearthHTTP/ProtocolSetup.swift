import NIOCore
import NIOHTTP1

/// What a connection turned out to speak.
enum NegotiatedProtocol: Sendable {
    case http1
    /// Its streams, one by one as the client opens them.
    case http2(AsyncStream<HTTP2StreamIO>)
    /// The connection closed before it was known.
    case closed
}

/// Adds a connection's protocol handlers once it is known which protocol
/// it speaks, and tells the connection's task: at once on a listener that
/// speaks HTTP/1.1 only, on ALPN's answer on a TLS listener that offers
/// `h2`, on the first bytes on a plain one with `h2c`
/// (`PriorKnowledgeSniffer`). Confined to the channel's event loop.
final class ProtocolSetup: @unchecked Sendable {
    private let channel: Channel
    private let io: ConnectionIO
    private let http2: HTTP2Pipeline
    private let decided: EventLoopPromise<NegotiatedProtocol>
    private var isDecided = false

    init(channel: Channel, io: ConnectionIO, http2: HTTP2Pipeline) {
        self.channel = channel
        self.io = io
        self.http2 = http2
        self.decided = channel.eventLoop.makePromise()
        channel.closeFuture.whenComplete { _ in self.decide(.closed) }
    }

    /// Succeeds once the protocol is known (or the connection closed).
    var choice: EventLoopFuture<NegotiatedProtocol> { decided.futureResult }

    /// The HTTP/1.1 handlers, after whatever is in the pipeline now.
    func addHTTP1() throws {
        // A client may half-close after its request (`shutdown(SHUT_WR)`,
        // `nc -N`) and still read the response: without this option NIO
        // would close the whole connection on that FIN and drop the answer.
        try channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(FramingByteLimit(io: io))
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        try pipeline.addHandler(io)
    }

    /// Called once the protocol is known: adds its handlers.
    func choose(http2 wanted: Bool) throws {
        if wanted {
            decide(.http2(try http2.configure(channel)))
        } else {
            try addHTTP1()
            decide(.http1)
        }
    }

    private func decide(_ answer: NegotiatedProtocol) {
        guard !isDecided else { return }
        isDecided = true
        decided.succeed(answer)
    }
}
