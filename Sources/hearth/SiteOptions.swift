import ArgumentParser
import Hearth
import Logging

/// The flags that say which site: `serve` runs it, `explain` answers for
/// it, so both read the configuration the same way (flags override the
/// config file, CommandLineFlags).
struct SiteOptions: ParsableArguments {
    @Option(help: "Address to listen on (IPv4 or IPv6), for explain the address a request arrives on. Default 127.0.0.1.")
    var host: String?

    @Option(help: "Port to listen on, 0 to 65535; 0 picks a free one. Default 8080.")
    var port: String?

    @Option(name: .customLong("cgi-bin"), help: "Script directory served at /cgi-bin/. Default ./cgi-bin.")
    var cgiBin: String?

    @Option(help: "Document root served at /. Default ./public.")
    var root: String?

    @Option(help: "A YAML config file (see docs/configuration.md).")
    var config: String?

    /// The site as `serve` would build it, with nothing started and no
    /// control group made (`explain`, `check`): the configuration, less the
    /// default directories that are missing, and its site.
    func unstartedSite(logLevel: Logger.Level) throws -> (configuration: HearthConfiguration, site: Site) {
        var configuration = try configuration()
        let logger = Logging.bootstrap(level: logLevel)
        DefaultDirectories.skipMissing(in: &configuration, logger: logger)
        return (configuration, try SiteBuilder(configuration: configuration).buildForExplaining(logger: logger))
    }

    /// The config file (or the defaults), with the flags applied.
    func configuration(user: String? = nil) throws -> HearthConfiguration {
        var configuration = try config.map { try ConfigurationFile.load(path: $0) } ?? HearthConfiguration()
        try CommandLineFlags(host: host, port: port, cgiBin: cgiBin, root: root, user: user).apply(to: &configuration)
        return configuration
    }
}
