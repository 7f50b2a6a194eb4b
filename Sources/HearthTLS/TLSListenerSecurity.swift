import HearthHTTP
import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// TLS on one listener: reads the ClientHello's SNI name, picks that
/// name's certificate (`TLSCertificateStore`), then hands the connection
/// to NIOSSL. A client that sends no TLS at all (plain HTTP to this port)
/// gets the default certificate's handshake, which fails and closes.
public struct TLSListenerSecurity: ListenerSecurity {
    public let store: TLSCertificateStore
    let logger: Logger

    public init(store: TLSCertificateStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func secure(_ channel: Channel) throws -> @Sendable () -> TLSSession? {
        let record = TLSSessionRecord()
        let store = self.store
        let logger = self.logger
        let sni = ByteToMessageHandler(SNIHandler { result in
            channel.eventLoop.makeCompletedFuture {
                let name: String? = if case .hostname(let name) = result { name } else { nil }
                record.record(serverName: name)
                let sniHandler = try channel.pipeline.syncOperations.context(name: Self.sniName).handler
                let tls = NIOSSLServerHandler(context: store.context(for: name))
                try channel.pipeline.syncOperations.addHandler(tls, position: .after(sniHandler))
                try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(record: record), position: .after(tls))
            }.flatMapErrorThrowing { error in
                logger.notice("tls: connection refused before the handshake", metadata: ["error": "\(error)"])
                throw error
            }
        })
        try channel.pipeline.syncOperations.addHandler(ServerHelloWatcher(record: record), position: .first)
        try channel.pipeline.syncOperations.addHandler(sni, name: Self.sniName, position: .after(channel.pipeline.syncOperations.context(handlerType: ServerHelloWatcher.self).handler))
        return { record.session }
    }

    static let sniName = "hearth-sni"
}
