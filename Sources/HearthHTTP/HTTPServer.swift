#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOTLS
import ServiceLifecycle
import Synchronization

/// The HTTP/1.1 server: a `Service` that binds, serves every connection with
/// one responder, and on graceful shutdown stops accepting, closes idle
/// connections and lets in-flight requests finish.
public final class HTTPServer: Service {
    struct Context: Sendable {
        let configuration: HTTPServerConfiguration
        let responder: any Responder
        let logger: Logger
        let accessLog: (any AccessLogSink)?
        let accessLogFormat: AccessLogFormat
        let registry: ConnectionRegistry
        /// The first TLS listener's bound port: where `redirect_to_https` sends.
        let httpsPort: HTTPSPort
        let observer: (any HTTPServerObserver)?
    }

    let context: Context
    private let group: any EventLoopGroup
    private let listening: EventLoopPromise<SocketAddress>
    private let accepted = AcceptedConnections()
    /// The listening sockets with their listeners: bound by
    /// `bindListener` (one per listener, or those handed over in
    /// `inheritedSockets`), served by `run`, changed by a reload's `rebind`
    /// (`HTTPServer+Rebind`).
    let serving = Mutex<[ServedListener]>([])
    /// Sockets a `rebind` bound while the server runs: each gets an accept
    /// loop in `run`'s group.
    let rebound = AsyncStream<NIOAsyncChannel<AcceptedConnection, Never>>.makeStream()
    /// TLS for the listeners that have it, by index in `servedListeners`
    /// (or, with inherited sockets, by the socket's position).
    private let security: [Int: any ListenerSecurity]
    /// The graceful shutdown's deadline (`shutdownTimeout`), once it began.
    private let shutdownDeadline = Mutex<Scheduled<Void>?>(nil)
    private let accepting = Atomic<Bool>(false)

    public init(
        configuration: HTTPServerConfiguration,
        responder: any Responder,
        logger: Logger,
        accessLog: (any AccessLogSink)? = nil,
        accessLogFormat: AccessLogFormat = .combined,
        observer: (any HTTPServerObserver)? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        security: [Int: any ListenerSecurity] = [:]
    ) {
        self.context = Context(
            configuration: configuration, responder: responder, logger: logger, accessLog: accessLog, accessLogFormat: accessLogFormat,
            registry: ConnectionRegistry(), httpsPort: HTTPSPort(), observer: observer
        )
        self.security = security
        self.group = group
        self.listening = group.next().makePromise()
    }

    /// The address the server listens on, once it does (port 0 resolved);
    /// with several listeners or inherited sockets, the first one's.
    public var listeningAddress: SocketAddress {
        get async throws { try await listening.futureResult.get() }
    }


    /// True from the moment the server accepts connections until its
    /// graceful shutdown begins: what a readiness check (`/readyz`) asks.
    public var isAccepting: Bool { accepting.load(ordering: .relaxed) }

    /// Binds the listening socket now, before `run`: a server started as
    /// root binds its port, then gives up root (`Privileges`), then runs.
    /// `run` binds by itself when this was not called.
    public func bindListener() async throws {
        do {
            let channels = try await bindAll()
            serving.withLock { $0 = zip(channels.indices.map(listener(at:)), channels).map(ServedListener.init) }
        } catch let failure as ListenError {
            listening.fail(failure)
            throw failure
        }
    }

    /// The server will not run after all (start-up failed after
    /// `bindListener`): the socket is closed and `listeningAddress` fails.
    public func abandon(_ error: any Error) {
        let served = serving.withLock { served in
            defer { served = [] }
            return served
        }
        for listener in served { listener.channel.channel.close(promise: nil) }
        listening.fail(error)
    }

    public func run() async throws {
        if serving.withLock({ $0.isEmpty }) { try await bindListener() }
        let served = serving.withLock { $0 }
        let servers = served.map(\.channel), listeners = served.map(\.listener)
        context.httpsPort.port = servers.indices.first { listeners[$0].tls }.flatMap { servers[$0].channel.localAddress?.port }
        listening.succeed(servers[0].channel.localAddress!)
        for (server, listener) in zip(servers, listeners) {
            let address = server.channel.localAddress!
            let host = context.configuration.inheritedSockets.isEmpty ? listener.host : address.ipAddress ?? "?"
            let inherited = context.configuration.inheritedSockets.isEmpty ? "" : " (an inherited socket)"
            let scheme = listener.tls ? "https" : "http"
            let url = "\(scheme)://\(Self.authority(host: host, port: address.port ?? 0))/"
            context.logger.info("\(context.configuration.listenerName.map { "\($0) on" } ?? "listening on") \(url)\(inherited)")
        }
        accepting.store(true, ordering: .relaxed)
        try await withGracefulShutdownHandler {
            try await acceptConnections(servers)
        } onGracefulShutdown: { [context, self] in
            accepting.store(false, ordering: .relaxed)
            context.logger.info("shutting down: no new connections; in-flight requests finish")
            rebound.continuation.finish()
            for served in serving.withLock({ $0 }) { served.channel.channel.close(promise: nil) }
            context.registry.drain()
            self.shutdownDeadline.withLock {
                $0 = servers[0].channel.eventLoop.scheduleTask(in: TimeAmount(context.configuration.shutdownTimeout)) {
                    context.registry.closeAll(logger: context.logger, after: context.configuration.shutdownTimeout)
                }
            }
        }
        shutdownDeadline.withLock { $0?.cancel() }
        accepting.store(false, ordering: .relaxed)
        context.logger.info("stopped")
    }

    /// `127.0.0.1:8080`, `[::1]:8080`: the host and port as a URL writes them.
    public static func authority(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// One accept loop per listening socket. Each runs on its socket's
    /// event loop, not on Swift's cooperative pool: a program embedding
    /// the server (HearthApp.run, the tests) may keep that pool busy, and
    /// a connection not taken has no idle timer and no answer.
    private func acceptConnections(_ servers: [NIOAsyncChannel<AcceptedConnection, Never>]) async throws {
        let accepted = self.accepted
        defer { accepted.closeAdmission() }
        try await withThrowingDiscardingTaskGroup { group in
            for server in servers {
                group.addTask(executorPreference: EventLoopTaskExecutor(server.channel.eventLoop)) {
                    try await self.acceptConnections(server)
                }
            }
            // A reload's new sockets, until the graceful shutdown.
            for await server in rebound.stream {
                group.addTask(executorPreference: EventLoopTaskExecutor(server.channel.eventLoop)) {
                    try await self.acceptConnections(server)
                }
            }
        }
    }

    private func acceptConnections(_ server: NIOAsyncChannel<AcceptedConnection, Never>) async throws {
        let context = self.context
        let accepted = self.accepted
        try await withThrowingDiscardingTaskGroup { group in
            do {
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        accepted.take(connection)
                        group.addTask(executorPreference: EventLoopTaskExecutor(connection.channel.eventLoop)) {
                            await HTTPConnection(connection: connection, context: context).run()
                        }
                    }
                }
            } catch ChannelError.alreadyClosed {
                // The graceful-shutdown handler closed the listening socket.
            }
        }
    }

    /// The listener served on the `index`th socket: with inherited
    /// sockets, `listen:`'s entry in the same position (a plain one past
    /// its end).
    private func listener(at index: Int) -> HTTPListener {
        let listeners = context.configuration.servedListeners
        return index < listeners.count ? listeners[index] : HTTPListener()
    }

    /// The listening sockets: those handed over, or one bound now per
    /// listener. A failure names the listener and closes those bound.
    private func bindAll() async throws -> [NIOAsyncChannel<AcceptedConnection, Never>] {
        let inherited = context.configuration.inheritedSockets
        let count = inherited.isEmpty ? context.configuration.servedListeners.count : inherited.count
        var channels: [NIOAsyncChannel<AcceptedConnection, Never>] = []
        for index in 0..<count {
            let listener = listener(at: index)
            do {
                // Never plain HTTP on a port its configuration calls TLS.
                if listener.tls && security[index] == nil { throw TLSListenerWithoutCertificates() }
                channels.append(try await bind(listener, security: security[index], to: inherited.isEmpty ? nil : inherited[index]))
            } catch {
                for channel in channels { channel.channel.close(promise: nil) }
                throw ListenError(host: listener.host, port: listener.port, underlying: error)
            }
        }
        return channels
    }

    /// Binds `listener`'s host and port, or (`socket`) takes a socket that
    /// is already bound and listening (NIO's `withBoundSocket`).
    func bind(
        _ listener: HTTPListener, security: (any ListenerSecurity)?, to socket: NIOBSDSocket.Handle?
    ) async throws -> NIOAsyncChannel<AcceptedConnection, Never> {
        let configuration = context.configuration
        let accepted = self.accepted
        let logger = context.logger
        let http2 = HTTP2Pipeline(configuration: configuration, logger: logger)
        let sendTimeout = SendProgressWatch.Timeout(duration: TimeAmount(configuration.sendTimeout), logger: context.logger)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // `.tcpOption`: `.socketOption(.tcp_nodelay)` would set SOL_SOCKET
            // option 1, which is SO_DEBUG, not TCP_NODELAY.
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.tcpOption(UnsentBytes.option), value: UnsentBytes.lowWatermark)
        let initializer: @Sendable (Channel) -> EventLoopFuture<AcceptedConnection> = { channel in
            channel.eventLoop.makeCompletedFuture {
                let io = ConnectionIO(eventLoop: channel.eventLoop, sendTimeout: sendTimeout)
                let session = try security?.secure(channel)
                // First of all, TLS's own first handler included: the PROXY
                // header precedes the client's hello.
                let proxy = listener.proxyProtocol ? ProxyProtocolHandler(trusted: configuration.trustedProxies, logger: logger) : nil
                if let proxy { try channel.pipeline.syncOperations.addHandler(proxy, position: .first) }
                let setup = ProtocolSetup(channel: channel, io: io, http2: http2)
                let negotiation = try Self.addProtocolHandlers(channel, listener: listener, secure: security != nil, setup: setup)
                accepted.admit(channel)
                var connection = AcceptedConnection(channel: channel, io: io, listener: listener, session: session)
                if let proxy { connection.proxied = { proxy.client } }
                connection.negotiation = negotiation
                return connection
            }
        }
        if let socket { return try await bootstrap.bind(socket, childChannelInitializer: initializer) }
        return try await bootstrap.bind(host: listener.host, port: listener.port, childChannelInitializer: initializer)
    }

    /// HTTP/1.1's handlers now, or what waits to choose between it and
    /// HTTP/2: ALPN on a TLS listener that offers `h2`, the first bytes on
    /// a plain one with `h2c`. Returns the choice to wait for, if any.
    private static func addProtocolHandlers(
        _ channel: Channel, listener: HTTPListener, secure: Bool, setup: ProtocolSetup
    ) throws -> EventLoopFuture<NegotiatedProtocol>? {
        let pipeline = channel.pipeline.syncOperations
        if secure && listener.http2 {
            try pipeline.addHandler(ApplicationProtocolNegotiationHandler { result, channel in
                channel.eventLoop.makeCompletedFuture { try setup.choose(http2: result == .negotiated("h2")) }
            })
        } else if !secure && listener.h2c {
            try pipeline.addHandler(PriorKnowledgeSniffer(setup: setup))
        } else {
            try setup.addHTTP1()
            return nil
        }
        return setup.choice
    }
}

/// TCP_NOTSENT_LOWAT: the kernel takes no more of a response than this many
/// bytes beyond what it has already transmitted; the rest waits in the
/// channel until the socket drains (NIO then resumes the write).
///
/// Why: without it a 1 MiB `sendfile` lands in the socket whole, and what
/// the receiver's window does not yet admit is transmitted later from the
/// receiver's ACKs, in the *client's* softirq context: on loopback under
/// wrk, a third of the client's core went to sending Hearth's data, and the
/// static row ran at 2,300 req/s against lighttpd's 5,500 (lighttpd writes
/// 256 KiB at a time). With the queue bounded, the server's own core sends
/// it: 5,300–6,100 req/s (docs/performance.md, "Static files"). Responses
/// under the mark are not affected.
enum UnsentBytes {
    static let option = NIOBSDSocket.Option(rawValue: TCP_NOTSENT_LOWAT)  // Linux ≥ 3.12
    static let lowWatermark = 16 * 1024
}
