import HearthWeb
import Logging
import ServiceLifecycle
import Synchronization

/// A site's sessions: the configuration, the store, and the sweeper. One
/// value is shared by every handler that uses sessions (wrap each in
/// `SessionHandler(handler, sessions:)`), so they share one store and one
/// cookie.
///
/// It is a swift-service-lifecycle `Service`: run in the site's service
/// group, it sweeps expired sessions every `sweepInterval` until graceful
/// shutdown, then closes the store. The site builder does this
/// (`SiteBuilder.sessions`); a `HearthApp.run` program need not, as long
/// as something (the server, sharing the SQLite file) sweeps.
public final class Sessions: Service, Sendable {
    public let configuration: SessionConfiguration
    public let store: any SessionStore
    let logger: Logger
    private let lockObserver = Mutex<(any SessionLockObserver)?>(nil)

    /// Sessions kept in the store `configuration.store` names. The logger
    /// writes to stderr unless given: in a CGI program, stdout is the response.
    public convenience init(
        configuration: SessionConfiguration = SessionConfiguration(),
        logger: Logger = Logger(label: "hearth.sessions", factory: { StreamLogHandler.standardError(label: $0) })
    ) {
        self.init(configuration: configuration, store: Self.makeStore(configuration.store, logger: logger), logger: logger)
    }

    /// Sessions kept in `store`, whatever `configuration.store` says: a
    /// store of your own, or one with a test clock.
    public init(configuration: SessionConfiguration, store: any SessionStore, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
    }

    /// Who is told of lock waits and lock timeouts (the site's metrics);
    /// nil, the default, for nobody.
    public var observer: (any SessionLockObserver)? {
        get { lockObserver.withLock { $0 } }
        set { lockObserver.withLock { $0 = newValue } }
    }

    static func makeStore(_ store: SessionConfiguration.Store, logger: Logger) -> any SessionStore {
        switch store {
        case .memory: MemorySessionStore()
        case .sqlite(let path): SQLiteSessionStore(path: path, logger: logger)
        case .postgres(let connection):
            #if PostgreSQL
            PostgresSessionStore(connection: connection, logger: logger)
            #else
            UnavailableSessionStore(reason: "store postgres: \(Sessions.withoutPostgres)", connection: connection)
            #endif
        }
    }

    /// Whether this build has the PostgreSQL store (the `PostgreSQL` trait).
    #if PostgreSQL
    public static let postgresIsBuiltIn = true
    #else
    public static let postgresIsBuiltIn = false
    #endif

    /// What a configuration asking for it is told when it is not built in.
    public static let withoutPostgres = "this Hearth was built without PostgreSQL sessions; build it with `swift build --traits PostgreSQL`"

    /// Sweeps every `sweepInterval` until graceful shutdown (or
    /// cancellation), then closes the store.
    public func run() async throws {
        let interval = configuration.sweepInterval
        await cancelWhenGracefulShutdown {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                _ = await self.sweep()
            }
        }
        await store.close()
    }

    /// Deletes expired sessions now, in batches of `sweepBatch`, at most
    /// 100 batches (bounded: a huge backlog is finished by the next
    /// sweeps); returns how many went. A failure is logged, not thrown: the
    /// next sweep tries again.
    @discardableResult
    public func sweep() async -> Int {
        var total = 0
        for _ in 0..<100 {
            do {
                let deleted = try await store.deleteExpired(limit: configuration.sweepBatch)
                total += deleted
                if deleted < configuration.sweepBatch { break }
            } catch {
                logger.error("session sweep failed", metadata: ["error": "\(error)"])
                break
            }
        }
        if total > 0 { logger.debug("expired sessions swept", metadata: ["count": "\(total)"]) }
        return total
    }
}
