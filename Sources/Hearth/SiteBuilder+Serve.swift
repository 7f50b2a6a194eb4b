import HearthHTTP
import HearthProcess
import Logging
import ServiceLifecycle

extension SiteBuilder {
    /// Builds the site and serves it on `configuration.server` until SIGTERM
    /// or SIGINT: hot handlers' warm-ups and worker pools start before the
    /// first connection is accepted (a failure stops here, with its error),
    /// in-flight requests finish, then the workers stop. SIGHUP is not
    /// handled here; `hearth serve` adds reloads and the access log.
    /// With `configuration.admin`, the admin listener runs beside the site,
    /// counting into `monitoring` (a new one if that is nil). TLS
    /// listeners (`configuration.tlsListeners`) get their certificates, as
    /// with `hearth serve`, watched for renewal.
    public func serve(logger: Logger = .siteDefault) async throws {
        var builder = self
        if configuration.admin != nil, builder.monitoring == nil { builder.monitoring = Monitoring() }
        let tls = try SiteTLS(configuration)
        let live = LiveSite(try builder.build(logger: logger))
        let server = HTTPServer(
            configuration: configuration.server, responder: live, logger: logger, observer: builder.monitoring?.serverObserver, security: tls.security(logger: logger)
        )
        let admin = try AdminListener.server(for: configuration, monitoring: builder.monitoring, showing: live, servedBy: server, logger: logger)
        try await live.run(server, admin: admin, logger: logger, alongside: [tls.watch(logger: logger)])
    }
}

extension SiteBuilder {
    /// For a program's `main` (the examples, your own server): `--port N`
    /// and `--help` from the command line (`ProgramArguments`), then
    /// `serve`. An ordinary failure (the port in use, a directory missing,
    /// a warm-up that throws) is one line on standard error and exit
    /// status 1, never a crash; returns after a graceful stop.
    /// A program with options of its own parses them itself and passes
    /// `arguments`.
    public func serveProgram(
        arguments: ProgramArguments? = nil, usage: String? = nil,
        logger: Logger = .siteDefault
    ) async {
        let usage = usage ?? """
            usage: \(ProgramExit.programName) [--port N]
              Serves the site on \(configuration.server.host):N (--port, else PORT, else \(configuration.server.port)) until SIGTERM or SIGINT.
            """
        var site = self
        if let port = (arguments ?? ProgramArguments.fromCommandLine(usage: usage)).port { site.configuration.server.port = port }
        do {
            try await site.serve(logger: logger)
        } catch {
            ProgramExit.failure("\(error)").perform(usage: usage)
        }
    }
}

extension Site {
    /// Runs `server` for this site until SIGTERM or SIGINT (`LiveSite.run`,
    /// with a site that is never replaced).
    public func run(_ server: HTTPServer, admin: HTTPServer? = nil, logger: Logger, afterBinding: () async throws -> Void = {}) async throws {
        try await LiveSite(self).run(server, admin: admin, logger: logger, afterBinding: afterBinding)
    }
}

extension LiveSite {
    /// Runs `server` until SIGTERM or SIGINT: the site starts (warm-ups,
    /// worker pools) before the first connection is accepted, in-flight
    /// requests finish, then the workers of the current site, and of any
    /// it replaced, stop. The session sweeper runs beside the server;
    /// listed first, it stops after it (a service group stops its services
    /// in reverse order), so in-flight requests still have their store.
    /// `afterBinding` runs once the listening socket is bound and before
    /// anything else starts (warm-ups, worker pools, the first accept):
    /// where `hearth serve` gives up root. `services` run beside the
    /// server and, listed after it, are told of a graceful shutdown before
    /// it (`hearth serve`'s systemd notifications: STOPPING=1 goes out as
    /// the stop begins, not once requests in flight have finished). The
    /// site's worker pools are services of the same group, and so are
    /// those of a site a reload brings.
    /// `admin`, the admin listener (`AdminListener`), binds with the
    /// site's server and runs beside it.
    public func run(
        _ server: HTTPServer, admin: HTTPServer? = nil, logger: Logger, alongside services: [any Service] = [],
        afterBinding: () async throws -> Void = {}
    ) async throws {
        let site = current
        // Listed before the server, the pools are told to stop after it,
        // once its requests have finished.
        let beforeServer: [any Service] = (site.sessions.map { [$0] } ?? []) + [pools]
        let services = (beforeServer + [server] + (admin.map { [$0] } ?? []) + services).map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ))
        ProcessSettings.prepare()
        logger.info("Hearth \(HearthVersion.number)")
        site.logMounts(logger)
        try await server.bindListener()
        do {
            try await admin?.bindListener()
            try site.startPrivilegedSpawner(logger: logger)
            try await afterBinding()
            try await site.start(logger: logger)
        } catch {
            server.abandon(error)
            admin?.abandon(error)
            throw error
        }
        await started()
        do {
            try await group.run()
        } catch {
            await stop()
            throw error
        }
        await stop()
    }

    /// After the server stopped: the sites a reload replaced are retired
    /// (their last requests are done), then the current one shut down.
    private func stop() async {
        await retirements()
        await current.shutdown()
    }
}

extension Logger {
    /// Standard error, each record made while a request is served with its
    /// `request_id` (`RequestID.metadataProvider`): the logger `serve` and
    /// `serveProgram` use unless given one.
    public static var siteDefault: Logger {
        Logger(label: "hearth", factory: { StreamLogHandler.standardError(label: $0, metadataProvider: RequestID.metadataProvider) })
    }
}
