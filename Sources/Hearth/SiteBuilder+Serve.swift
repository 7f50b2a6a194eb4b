import HearthHTTP
import Logging
import ServiceLifecycle

extension SiteBuilder {
    /// Builds the site and serves it on `configuration.server` until SIGTERM
    /// or SIGINT: hot handlers' warm-ups and worker pools start before the
    /// first connection is accepted (a failure stops here, with its error),
    /// in-flight requests finish, then the workers stop. SIGHUP is not
    /// handled here; `hearth serve` adds reloads and the access log.
    public func serve(logger: Logger = Logger(label: "hearth", factory: { StreamLogHandler.standardError(label: $0) })) async throws {
        let site = try build(logger: logger)
        try await site.start()
        let server = HTTPServer(configuration: configuration.server, responder: site, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ))
        do {
            try await group.run()
        } catch {
            await site.shutdown()
            throw error
        }
        await site.shutdown()
    }
}
