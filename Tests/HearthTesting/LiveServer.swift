import HearthHTTP
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A real Hearth HTTP server on an ephemeral loopback port, for live tests.
public final class LiveServer: Sendable {
    public let port: Int
    public let host: String
    /// The server itself (its `isAccepting`, for a status page).
    public let server: HTTPServer
    private let task: Task<Void, any Error>
    private let shutdown: @Sendable () async -> Void

    private init(port: Int, host: String, server: HTTPServer, task: Task<Void, any Error>, shutdown: @escaping @Sendable () async -> Void) {
        self.port = port
        self.host = host
        self.server = server
        self.task = task
        self.shutdown = shutdown
    }

    /// Starts `responder` behind a real server on `host`, port 0, and returns
    /// once it listens.
    public static func start(
        responder: any Responder,
        host: String = "127.0.0.1",
        configure: (inout HTTPServerConfiguration) -> Void = { _ in },
        accessLog: (any AccessLogSink)? = nil,
        accessLogFormat: AccessLogFormat = .combined,
        observer: (any HTTPServerObserver)? = nil,
        logger: Logger = TestLog.logger("hearth.test")
    ) async throws -> LiveServer {
        var configuration = HTTPServerConfiguration()
        configuration.host = host
        configuration.port = 0
        configure(&configuration)
        let server = HTTPServer(
            configuration: configuration, responder: responder, logger: logger, accessLog: accessLog, accessLogFormat: accessLogFormat, observer: observer
        )
        return try await start(server, host: host, logger: logger)
    }

    /// Runs `server`, made by the caller (on `host`, port 0), and returns
    /// once it listens.
    public static func start(_ server: HTTPServer, host: String = "127.0.0.1", logger: Logger = TestLog.logger("hearth.test")) async throws -> LiveServer {
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        let task = Task { try await group.run() }
        let address = try await server.listeningAddress
        return LiveServer(port: address.port!, host: host, server: server, task: task, shutdown: { await group.triggerGracefulShutdown() })
    }

    /// Graceful shutdown, as SIGTERM would trigger; waits until the server
    /// has stopped.
    public func stop() async throws {
        await shutdown()
        try await task.value
    }
}

/// A sink that keeps access-log lines in memory.
public final class MemoryAccessLog: AccessLogSink {
    private let lines = Mutex<[String]>([])
    public init() {}
    public func log(_ line: String) { lines.withLock { $0.append(line) } }
    public var entries: [String] { lines.withLock { $0 } }
}
