import Foundation
import Hearth
import HearthGateway
import HearthScripts
import HearthHTTP
import Logging

/// A live Hearth site for tests: real scripts in a temporary cgi-bin, a
/// temporary document root, the real server on an ephemeral port.
public final class CGITestSite: Sendable {
    public let scriptDirectory: String
    public let documentRoot: String
    public let server: LiveServer
    private let directories: [TemporaryDirectory]

    /// `scripts` maps file names to their text; each is made executable
    /// (mode 0755) unless `modes` says otherwise.
    public static func start(
        scripts: [String: String],
        modes: [String: Int] = [:],
        host: String = "127.0.0.1",
        mount: (inout CGIMountConfiguration) -> Void = { _ in },
        site: (inout HearthConfiguration) -> Void = { _ in },
        builder: (inout SiteBuilder) -> Void = { _ in },
        accessLog: (any AccessLogSink)? = nil,
        monitoring: Monitoring? = nil,
        admin: AdminConfiguration = AdminConfiguration(),
        logger: Logger? = nil
    ) async throws -> CGITestSite {
        let scriptDirectory = try TemporaryDirectory()
        let documentRoot = try TemporaryDirectory()
        for (name, text) in scripts {
            try scriptDirectory.write(name, Array(text.utf8), mode: modes[name] ?? 0o755)
        }
        var configuration = HearthConfiguration()
        configuration.cgiMounts[0].directory = scriptDirectory.path
        configuration.cgiMounts[0].ioTimeout = .seconds(10)
        mount(&configuration.cgiMounts[0])
        configuration.staticMounts[0].root = documentRoot.path
        site(&configuration)
        let logger = logger ?? TestLog.logger()
        var siteBuilder = SiteBuilder(configuration: configuration)
        siteBuilder.monitoring = monitoring
        builder(&siteBuilder)
        let built = try siteBuilder.build(logger: logger)
        try await built.start()
        // The pools' service, as the server's service group runs it.
        let pools = Task { () async -> Void in await built.workers?.run() }
        let server = try await LiveServer.start(
            responder: built, host: host, configure: { $0 = configuration.server; $0.host = host; $0.port = 0 }, accessLog: accessLog,
            accessLogFormat: configuration.accessLogFormat, observer: monitoring?.serverObserver, logger: logger
        )
        var adminServer: LiveServer?
        if let monitoring {
            var admin = admin
            admin.port = 0
            let listener = try AdminListener.server(
                admin, monitoring: monitoring, showing: LiveSite(built), servedBy: server.server, configurationFile: configuration.file, logger: logger
            )
            adminServer = try await LiveServer.start(listener, host: admin.host, logger: logger)
        }
        return CGITestSite(
            scriptDirectory: scriptDirectory, documentRoot: documentRoot, site: built, pools: pools, server: server, admin: adminServer)
    }

    private init(
        scriptDirectory: TemporaryDirectory, documentRoot: TemporaryDirectory, site: Site, pools: Task<Void, Never>, server: LiveServer,
        admin: LiveServer?
    ) {
        self.pools = pools
        self.scriptDirectory = scriptDirectory.path
        self.documentRoot = documentRoot.path
        self.site = site
        self.server = server
        self.admin = admin
        self.directories = [scriptDirectory, documentRoot]
    }

    /// The admin listener, when the site was started with `monitoring`.
    public let admin: LiveServer?

    /// `GET path` on the admin listener, with a Host header.
    public func adminGet(_ path: String, headers: [String] = []) async throws -> RawResponse {
        guard let admin else { throw RawClientError.malformed("the site was started without monitoring") }
        let request = "GET \(path) HTTP/1.1\r\nHost: admin\r\n" + headers.map { $0 + "\r\n" }.joined() + "Connection: close\r\n\r\n"
        return try await rawRequest(request, port: admin.port, host: admin.host)
    }

    /// The site being served: its worker pools, for warm tests.
    public let site: Site
    /// The pools' `run()`; it returns once the site is shut down.
    private let pools: Task<Void, Never>

    public var port: Int { server.port }

    /// Sends raw request text on a new connection and reads one response.
    public func request(_ text: String, head: Bool = false) async throws -> RawResponse {
        try await rawRequest(text, port: server.port, host: server.host, head: head)
    }

    /// `GET path` with a Host header.
    public func get(_ path: String, headers: [String] = []) async throws -> RawResponse {
        try await request("GET \(path) HTTP/1.1\r\nHost: test\r\n" + headers.map { $0 + "\r\n" }.joined() + "Connection: close\r\n\r\n")
    }

    /// Stops the server (and the admin listener), then the site's workers.
    public func stop() async throws {
        try await server.stop()
        try await admin?.stop()
        await site.shutdown()
        await pools.value
    }

    /// Runs `body` against the site, then stops it, whether `body` threw
    /// or not.
    public func whileServing(_ body: (CGITestSite) async throws -> Void) async throws {
        do {
            try await body(self)
        } catch {
            try await stop()
            throw error
        }
        try await stop()
    }
}
