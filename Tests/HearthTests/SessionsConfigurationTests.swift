import Hearth
import Logging
import HearthTesting
import Testing

/// The `sessions:` section (docs/configuration.md, docs/sessions.md).
@Suite struct SessionsConfigurationTests {
    func parse(_ yaml: String) throws -> HearthConfiguration {
        try ConfigurationFile.parse(yaml: yaml, file: "hearth.yaml", baseDirectory: "/etc/hearth")
    }

    @Test func noSectionMeansNoSessions() throws {
        #expect(try parse("log_level: info\n").sessions == nil)
    }

    @Test func everyKeyReachesItsField() throws {
        let sessions = try #require(try parse("""
            sessions:
              store: sqlite
              path: data/sessions.sqlite
              cookie_name: sid
              cookie_path: /app
              cookie_domain: example.com
              lifetime: 8h
              idle_timeout: 20m
              lock_timeout: 5s
              lock_lease: 1m
              sweep_interval: 30s
            """).sessions)
        #expect(sessions.store == .sqlite(path: "/etc/hearth/data/sessions.sqlite"))
        #expect(sessions.cookieName == "sid" && sessions.cookiePath == "/app" && sessions.cookieDomain == "example.com")
        #expect(sessions.lifetime == .seconds(8 * 3600) && sessions.idleTimeout == .seconds(20 * 60))
        #expect(sessions.lockTimeout == .seconds(5) && sessions.lockLease == .seconds(60) && sessions.sweepInterval == .seconds(30))
    }

    @Test func anEmptySectionIsTheDefaults() throws {
        let sessions = try #require(try parse("sessions: {}\n").sessions)
        #expect(sessions.store == .memory && sessions.cookieName == "hearth_session" && sessions.lifetime == nil)
        #expect(sessions.idleTimeout == .seconds(1800) && sessions.lockTimeout == .seconds(10))
    }

    #if PostgreSQL
    @Test func postgresOverTCPAndOverASocket() throws {
        let tcp = try #require(try parse("""
            sessions:
              store: postgres
              postgres: {host: db.internal, port: 6432, user: hearth, password: secret, database: web, tls: require}
            """).sessions)
        #expect(tcp.store == .postgres(.init(endpoint: .tcp(host: "db.internal", port: 6432), username: "hearth", password: "secret", database: "web", tls: .require)))
        let socket = try #require(try parse("""
            sessions:
              store: postgres
              postgres: {socket: /var/run/postgresql/.s.PGSQL.5432, user: www-data, max_connections: 4}
            """).sessions)
        #expect(socket.store == .postgres(.init(endpoint: .unixSocket(path: "/var/run/postgresql/.s.PGSQL.5432"), username: "www-data", maxConnections: 4)))
    }
    #else
    /// Built without the PostgreSQL trait: the key is known, and refused
    /// at its line with the way to get it.
    @Test func postgresNeedsTheTrait() throws {
        #expect(throws: ConfigurationError(
            key: "sessions.store", message: Sessions.withoutPostgres, position: (file: "hearth.yaml", line: 2, column: 10)
        )) {
            try parse("sessions:\n  store: postgres\n  postgres: {host: db.internal, user: hearth}\n")
        }
    }
    #endif

    @Test(arguments: [
        ("sessions:\n  store: files\n", "sessions.store", 2, 10, "expected one of memory, sqlite, postgres, found \"files\""),
        ("sessions:\n  store: sqlite\n", "sessions.store", 2, 10, "store sqlite needs path (the database file)"),
        ("sessions:\n  path: /x\n", "sessions.path", 2, 9, "is for store sqlite; add store: sqlite"),
        ("sessions:\n  store: postgres\n  postgres: {host: a, socket: /b, user: u}\n", "sessions.postgres", 3, 13,
         "has both host and socket; choose one"),
        ("sessions:\n  store: postgres\n  postgres: {host: a}\n", "sessions.postgres", 3, 13, "needs user"),
        ("sessions:\n  cookie_name: \"a b\"\n", "sessions.cookie_name", 2, 16, "the name must be a token (RFC 6265 §4.1.1)"),
        ("sessions:\n  cookie_path: app\n", "sessions.cookie_path", 2, 16, "the Path must start with / and hold no CTL or ; (RFC 6265 §4.1.1)"),
        ("sessions:\n  idle_timeout: 0s\n", "sessions.idle_timeout", 2, 17, "must be more than zero"),
        ("sessions:\n  lock_timout: 5s\n", "sessions.lock_timout", 2, 3,
         "unknown key \"lock_timout\"; allowed keys are store, path, postgres, cookie_name, cookie_path, cookie_domain, lifetime, idle_timeout, lock_timeout, lock_lease, sweep_interval"),
    ] as [(String, String, Int, Int, String)])
    func mistakesNameTheirKeyAndPosition(yaml: String, key: String, line: Int, column: Int, message: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try parse(yaml) }
        #expect(error == ConfigurationError(key: key, message: message, position: ("hearth.yaml", line, column)))
    }

    @Test func theSiteBuilderWrapsMountsThatAskForSessions() async throws {
        var configuration = HearthConfiguration()
        configuration.cgiMounts = []
        configuration.staticMounts = []
        var builder = SiteBuilder(configuration: configuration)
        builder.mount("/plain", handler: HandlerFunction { _ in .text("plain") })
        #expect(try builder.build(logger: TestLog.logger("test")).sessions == nil, "no mount uses sessions: none made")
        builder.mount("/cart", handler: HandlerFunction { request in .text(try request.session.isNew ? "new" : "old") }, sessions: true)
        let site = try builder.build(logger: TestLog.logger("test"))
        let sessions = try #require(site.sessions)
        #expect(sessions.configuration.cookieName == "hearth_session")
        #expect(sessions.store is MemorySessionStore, "memory by default")
        await site.shutdown()
    }
}
