import HearthCGI
import HearthHTTP
import HearthWeb
import Logging
import ServiceLifecycle

/// Standalone mode: the handler behind Hearth's own HTTP server at `/`, on
/// 127.0.0.1, stopping gracefully on SIGTERM or SIGINT (in-flight requests
/// finish).
enum StandaloneRunner {
    static func serve(_ handler: some HearthHandler, port: Int) async throws {
        var configuration = HTTPServerConfiguration()
        configuration.port = port
        // stderr, not swift-log's default stdout, and without bootstrapping
        // the logging system, which belongs to the program's main.
        let logger = Logger(label: "hearth", factory: { StreamLogHandler.standardError(label: $0) })
        let server = CGIServer(software: configuration.serverSoftware, documentRoot: "")
        let responder = HandlerResponder(handler: handler, mountedAt: "/", server: server, logger: logger)
        let http = HTTPServer(configuration: configuration, responder: responder, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: http)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ))
        try await group.run()
    }
}
