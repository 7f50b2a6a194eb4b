import HearthHTTP
import Logging

/// The admin listener: a second `HTTPServer`, on `admin.host` and
/// `admin.port`, answering with `AdminResponder` behind the network check
/// and, when configured, Basic authentication. It runs beside the site's
/// server in the same service group and is not counted in the site's
/// metrics.
public enum AdminListener {
    /// Throws a `ConfigurationError` naming `admin.auth.…` when its
    /// password or group file cannot be read.
    public static func server(_ configuration: AdminConfiguration, monitoring: Monitoring, logger: Logger) throws -> HTTPServer {
        var responder: any Responder = AdminResponder(monitoring: monitoring)
        if let auth = configuration.auth {
            do {
                responder = try auth.protect(responder, logger: logger)
            } catch {
                throw ConfigurationError(key: "admin.auth.\(error.key)", message: error.message, position: nil)
            }
        }
        var server = HTTPServerConfiguration()
        server.host = configuration.host
        server.port = configuration.port
        return HTTPServer(configuration: server, responder: AdminNetworkGuard(allow: configuration.allow, next: responder), logger: logger)
    }
}
