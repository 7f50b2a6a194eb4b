import HearthHTTP
import NIOCore
import NIOSSL
import NIOTLS
import Synchronization

/// One connection's TLS facts, filled on its event loop during the
/// handshake and read by the HTTP connection at its first request.
final class TLSSessionRecord: Sendable {
    private struct State {
        var serverName: String?
        var suite: UInt16?
        var version: TLSVersion?
    }

    private let state = Mutex(State())

    func record(serverName: String?) { state.withLock { $0.serverName = serverName } }
    func record(suite: UInt16) { state.withLock { $0.suite = suite } }
    func record(version: TLSVersion?) { state.withLock { $0.version = version } }

    var session: TLSSession? {
        state.withLock { state in
            guard let version = state.version else { return nil }
            return TLSSession(
                protocolName: Self.name(of: version), cipher: state.suite.map(ServerHelloCipher.name(of:)) ?? "",
                serverName: state.serverName
            )
        }
    }

    /// mod_ssl's spelling.
    static func name(of version: TLSVersion) -> String {
        switch version {
        case .tlsv13: "TLSv1.3"
        case .tlsv12: "TLSv1.2"
        case .tlsv11: "TLSv1.1"
        case .tlsv1: "TLSv1"
        }
    }
}

/// Outbound, next to the socket: sees the server's first record, its
/// ServerHello, and notes the suite chosen.
final class ServerHelloWatcher: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let record: TLSSessionRecord
    private var seen = false

    init(record: TLSSessionRecord) { self.record = record }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if !seen {
            seen = true
            let buffer = unwrapOutboundIn(data)
            if let suite = ServerHelloCipher.suite(in: buffer.readableBytesView) { record.record(suite: suite) }
        }
        context.write(data, promise: promise)
    }
}

/// Inbound, after the TLS handler: notes the protocol version when the
/// handshake completes.
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let record: TLSSessionRecord

    init(record: TLSSessionRecord) { self.record = record }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            record.record(version: try? context.pipeline.syncOperations.nioSSL_tlsVersion())
        }
        context.fireUserInboundEventTriggered(event)
    }
}
