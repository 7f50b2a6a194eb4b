import HearthSessions
import HearthWeb

/// The `sessions:` mapping → `SessionConfiguration` (docs/configuration.md,
/// docs/sessions.md). The store's own keys are checked against the store
/// chosen, so `path:` under `store: postgres` is an error, not ignored.
enum SessionsSection {
    /// What `sessions:` holds before it is checked as a whole.
    struct Draft {
        var configuration = SessionConfiguration()
        var store = "memory"
        var storeNode: ConfigurationNode?
        var path: String?
        var pathNode: ConfigurationNode?
        var postgres: PostgresConnection?
        var postgresNode: ConfigurationNode?
    }

    static let keys: [ConfigurationKey<Draft>] = [
        .init("store") { draft, node in
            draft.store = try node.word([("memory", "memory"), ("sqlite", "sqlite"), ("postgres", "postgres")])
            draft.storeNode = node
        },
        .init("path") { draft, node in
            draft.path = try node.path()
            draft.pathNode = node
        },
        .init("postgres") { draft, node in
            draft.postgres = try PostgresSection.read(node)
            draft.postgresNode = node
        },
        .init("cookie_name") { $0.configuration.cookieName = try cookieAttribute($1) { SetCookie(name: $0, value: "") } },
        .init("cookie_path") { $0.configuration.cookiePath = try cookieAttribute($1) { SetCookie(name: "a", value: "", path: $0) } },
        .init("cookie_domain") { $0.configuration.cookieDomain = try cookieAttribute($1) { SetCookie(name: "a", value: "", domain: $0) } },
        .init("lifetime") { $0.configuration.lifetime = try $1.text() == "off" ? nil : $1.duration(atLeast: .seconds(1)) },
        .init("idle_timeout") { $0.configuration.idleTimeout = try $1.duration(atLeast: .seconds(1)) },
        .init("lock_timeout") { $0.configuration.lockTimeout = try $1.duration(atLeast: .zero) },
        .init("lock_lease") { $0.configuration.lockLease = try $1.duration(atLeast: .seconds(1)) },
        .init("sweep_interval") { $0.configuration.sweepInterval = try $1.duration(atLeast: .seconds(1)) },
    ]

    static func read(_ node: ConfigurationNode) throws -> SessionConfiguration {
        let draft = try node.read(Draft(), keys: keys)
        var configuration = draft.configuration
        switch draft.store {
        case "sqlite":
            guard let path = draft.path else { throw (draft.storeNode ?? node).error("store sqlite needs path (the database file)") }
            if let postgres = draft.postgresNode { throw postgres.error("is for store postgres, but the store is sqlite") }
            configuration.store = .sqlite(path: path)
        case "postgres":
            guard Sessions.postgresIsBuiltIn else { throw (draft.storeNode ?? node).error(Sessions.withoutPostgres) }
            guard let connection = draft.postgres else { throw (draft.storeNode ?? node).error("store postgres needs postgres (how to connect)") }
            if let path = draft.pathNode { throw path.error("is for store sqlite, but the store is postgres") }
            configuration.store = .postgres(connection)
        default:
            if let path = draft.pathNode { throw path.error("is for store sqlite; add store: sqlite") }
            if let postgres = draft.postgresNode { throw postgres.error("is for store postgres; add store: postgres") }
        }
        return configuration
    }

    /// A cookie name, path or domain, checked by the rules `SetCookie`
    /// applies when it is sent, so a bad one fails at start-up instead.
    private static func cookieAttribute(_ node: ConfigurationNode, _ cookie: (String) -> SetCookie) throws -> String {
        let text = try node.text()
        let example = cookie(text)
        do {
            _ = try example.serialized()
        } catch let error as SetCookieError {
            throw node.error(String(error.reason.dropFirst("cookie \"\(example.name)\": ".count)))
        }
        return text
    }
}

/// `sessions.postgres:`: where the database is and how to log in.
enum PostgresSection {
    struct Draft {
        var host: String?
        var port = 5432
        var socket: String?
        var user: String?
        var password: String?
        var database: String?
        var tls = PostgresConnection.TLS.prefer
        var maxConnections = 20
    }

    static let keys: [ConfigurationKey<Draft>] = [
        .init("host") { $0.host = try $1.text(expecting: "a host name or address") },
        .init("port") { $0.port = try $1.integer(in: 1...65535) },
        .init("socket") { $0.socket = try $1.path() },
        .init("user") { $0.user = try $1.text(expecting: "a user name") },
        .init("password") { $0.password = try $1.text(expecting: "a password") },
        .init("database") { $0.database = try $1.text(expecting: "a database name") },
        .init("tls") { $0.tls = try $1.word(PostgresConnection.TLS.allCases.map { ($0.rawValue, $0) }) },
        .init("max_connections") { $0.maxConnections = try $1.integer(in: 1...10_000) },
    ]

    static func read(_ node: ConfigurationNode) throws -> PostgresConnection {
        let draft = try node.read(Draft(), keys: keys)
        guard let user = draft.user else { throw node.error("needs user") }
        let endpoint: PostgresConnection.Endpoint
        switch (draft.host, draft.socket) {
        case (let host?, nil): endpoint = .tcp(host: host, port: draft.port)
        case (nil, let socket?): endpoint = .unixSocket(path: socket)
        case (nil, nil): throw node.error("needs host (TCP) or socket (the server's Unix socket file)")
        case (.some, .some): throw node.error("has both host and socket; choose one")
        }
        return PostgresConnection(
            endpoint: endpoint, username: user, password: draft.password, database: draft.database, tls: draft.tls,
            maxConnections: draft.maxConnections
        )
    }
}
