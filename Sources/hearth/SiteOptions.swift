import ArgumentParser
import Hearth

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

    /// The config file (or the defaults), with the flags applied.
    func configuration(user: String? = nil) throws -> HearthConfiguration {
        var configuration = try config.map { try ConfigurationFile.load(path: $0) } ?? HearthConfiguration()
        try CommandLineFlags(host: host, port: port, cgiBin: cgiBin, root: root, user: user).apply(to: &configuration)
        return configuration
    }
}
