import ArgumentParser
import Hearth
import HearthHTTP
import Logging

/// `hearth serve`: with no arguments, ./cgi-bin at /cgi-bin/ and ./public at
/// / on 127.0.0.1:8080. Flags override the config file.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the site (the default command).")

    @Option(help: "Address to listen on (IPv4 or IPv6). Default 127.0.0.1.")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one. Default 8080.")
    var port: Int?

    @Option(name: .customLong("cgi-bin"), help: "Script directory served at /cgi-bin/. Default ./cgi-bin.")
    var cgiBin: String?

    @Option(help: "Document root served at /. Default ./public.")
    var root: String?

    @Option(help: "A YAML config file (see docs/configuration.md).")
    var config: String?

    func run() async throws {
        var configuration = try config.map { try ConfigurationFile.load(path: $0) } ?? HearthConfiguration()
        apply(to: &configuration)
        let logger = Logging.bootstrap(level: configuration.logLevel)
        let site: Site
        do {
            site = try SiteBuilder(configuration: configuration).build(logger: logger)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let server = HTTPServer(
            configuration: configuration.server, responder: site, logger: logger,
            accessLog: try Logging.accessLog(configuration.accessLog)
        )
        let reloads = ReloadSignal { site.reload() }
        defer { reloads.cancel() }
        try await site.run(server, logger: logger)
    }

    private func apply(to configuration: inout HearthConfiguration) {
        if let host { configuration.server.host = host }
        if let port { configuration.server.port = port }
        if let cgiBin {
            if configuration.cgiMounts.isEmpty { configuration.cgiMounts = [.init()] }
            configuration.cgiMounts[0].directory = cgiBin
        }
        if let root {
            if configuration.staticMounts.isEmpty { configuration.staticMounts = [.init()] }
            configuration.staticMounts[0].root = root
        }
    }
}
