import HearthHTTP
import Logging

/// The admin listener: a second `HTTPServer`, on `admin.host` and
/// `admin.port`, answering with `AdminResponder` behind the network check
/// and, when configured, Basic authentication. It runs beside the site's
/// server in the same service group and is not counted in the site's
/// metrics.
public enum AdminListener {
    /// The listener showing `site`, served by `server` from the config
    /// file `configurationFile` (if any), as `monitoring` counts it. Throws
    /// a `ConfigurationError` naming `admin.auth.…` when its password or
    /// group file cannot be read.
    public static func server(
        _ configuration: AdminConfiguration, monitoring: Monitoring, showing site: Site, servedBy server: HTTPServer, configurationFile: String?,
        logger: Logger
    ) throws -> HTTPServer {
        monitoring.serve(site, on: server, configurationFile: configurationFile)
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
        return HTTPServer(configuration: listener, responder: AdminNetworkGuard(allow: configuration.allow, next: responder), logger: logger)
    }
}
