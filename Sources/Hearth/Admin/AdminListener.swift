import HearthHTTP
import Logging
import NIOPosix

/// The admin listener: a second `HTTPServer`, on `admin.host` and
/// `admin.port`, answering with `AdminResponder` behind the network check
/// and, when configured, Basic authentication. It runs beside the site's
/// server in the same service group and is not counted in the site's
/// metrics.
public enum AdminListener {
    /// The listener `site.admin` asks for, showing `live` served by
    /// `server` as `monitoring` counts it; nil when the configuration has
    /// no `admin` (or nothing counts).
    public static func server(
        for site: HearthConfiguration, monitoring: Monitoring?, showing live: LiveSite, servedBy server: HTTPServer, logger: Logger
    ) throws -> HTTPServer? {
        guard let configuration = site.admin, let monitoring else { return nil }
        return try self.server(configuration, monitoring: monitoring, showing: live, servedBy: server, configurationFile: site.file, logger: logger)
    }

    /// The listener showing `live`, served by `server` from the config
    /// file `configurationFile` (if any), as `monitoring` counts it. Throws
    /// a `ConfigurationError` naming `admin.auth.…` when its password or
    /// group file cannot be read.
    public static func server(
        _ configuration: AdminConfiguration, monitoring: Monitoring, showing live: LiveSite, servedBy server: HTTPServer, configurationFile: String?,
        logger: Logger
    ) throws -> HTTPServer {
        monitoring.serve(live, on: server, configurationFile: configurationFile)
        var responder: any Responder = AdminResponder(monitoring: monitoring)
        if let auth = configuration.auth {
            do {
                responder = try auth.protect(responder, logger: logger)
            } catch {
                throw ConfigurationError(key: "admin.auth.\(error.key)", message: error.message, position: nil)
            }
        }
        var listener = HTTPServerConfiguration()
        listener.host = configuration.host
        listener.port = configuration.port
        listener.listenerName = "admin listener (metrics, status, health)"
        return HTTPServer(
            configuration: listener, responder: AdminNetworkGuard(allow: configuration.allow, next: responder), logger: logger, group: loop
        )
    }

    /// The admin listeners' own event loop, a thread apart from the site's
    /// loops: a site saturated with work (64 scripts starting) would
    /// otherwise queue a scrape or the status page behind it, tens of
    /// milliseconds (bench/RESULTS-metrics.md). One for the process.
    static let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
}
