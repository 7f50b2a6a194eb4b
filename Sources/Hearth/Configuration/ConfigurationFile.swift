import Foundation
import Logging
import HearthHTTP
import HearthWorkers
import Yams

/// Reads a Hearth config file (YAML, documented key by key in
/// docs/configuration.md) into a `HearthConfiguration`. Keys that are absent
/// keep their defaults; anything unknown, mistyped or out of range is a
/// `ConfigurationError` naming the key path (`cgi[0].io_timeout`) and its
/// `file:line:column`.
public enum ConfigurationFile {
    /// Reads and parses the file at `path`. Relative paths inside it are
    /// resolved against the file's own directory.
    public static func load(path: String) throws -> HearthConfiguration {
        let absolute = ConfigurationValue.path(path, relativeTo: FileManager.default.currentDirectoryPath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            throw ConfigurationError(key: ConfigurationNode.documentKey, message: "\(path): no such file", position: nil)
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: absolute) else {
            throw ConfigurationError(key: ConfigurationNode.documentKey, message: "\(path): cannot be read", position: nil)
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(key: ConfigurationNode.documentKey, message: "\(path): is not UTF-8 text", position: nil)
        }
        let directory = absolute[..<(absolute.lastIndex(of: "/") ?? absolute.startIndex)]
        var configuration = try parse(yaml: yaml, file: path, baseDirectory: directory.isEmpty ? "/" : String(directory))
        configuration.file = absolute
        return configuration
    }

    /// Parses YAML text. `file` only labels error positions; relative paths
    /// are resolved against `baseDirectory`, which should be absolute.
    public static func parse(yaml: String, file: String, baseDirectory: String) throws -> HearthConfiguration {
        let source = ConfigurationNode.Source(file: file, baseDirectory: baseDirectory)
        let root: Node?
        do {
            // The basic resolver: every scalar stays text, which is how
            // ConfigurationNode reads them (it parses numbers, durations
            // and booleans itself, with messages that name the key). The
            // default resolver matches each plain scalar against Yams'
            // NSRegularExpression rules, which loads ICU: about 4 MiB of
            // resident memory for tags nothing here reads.
            root = try Yams.compose(yaml: yaml, .basic)
        } catch let error as YamlError {
            throw ConfigurationError(yaml: error, file: file)
        }
        // An empty file, or one of comments only, keeps every default.
        guard let root else { return HearthConfiguration() }
        let document = ConfigurationNode(node: root, keyPath: "", source: source)
        if document.isNull { return HearthConfiguration() }
        guard case .mapping = root else {
            throw document.error("the top level must be a mapping of settings (server:, cgi:, ...), found \(document.found)")
        }
        return try read(document)
    }

    private static func read(_ document: ConfigurationNode) throws -> HearthConfiguration {
        var configuration = try document.read(HearthConfiguration(), keys: keys)
        if let listen = document.child("listen"), let server = document.child("server"), server.child("host") != nil || server.child("port") != nil {
            throw listen.error("give listen: or server.host/server.port, not both (server.host and port are one plain listener)")
        }
        configuration.origins = origins(in: document)
        try ListenSection.checkProxies(configuration, in: document)
        try HostsSection.check(configuration, in: document)
        try RunAsSection.resolve(&configuration, in: document)
        try MountsSection.check(&configuration.mounts, in: document, minimums: configuration.runAsMinimums)
        for (index, item) in try (document.child("hosts")?.items() ?? []).enumerated() {
            try MountsSection.check(&configuration.hosts[index].mounts, in: item, minimums: configuration.runAsMinimums)
        }
        // With hosts, the sample site's mounts are nobody's.
        if !configuration.hosts.isEmpty { configuration.mounts = .none }
        return configuration
    }

    /// The positions of the settings checked only at start-up (a
    /// directory that must exist, a log that must open), by key path.
    private static func origins(in document: ConfigurationNode) -> [String: ConfigurationOrigin] {
        var found: [(String, ConfigurationNode)] = []
        for key in ["access_log", "error_log"] {
            if let log = document.child(key) { found.append((key, log)) }
        }
        for key in ["user", "group"] {
            if let value = document.child("server")?.child(key) { found.append(("server.\(key)", value)) }
        }
        // Limits are checked against the host at start-up (SiteLimits).
        if let limits = document.child("fcgi_scripts")?.child("limits") {
            found.append(("fcgi_scripts.limits", limits))
            for entry in (try? limits.entries()) ?? [] { found.append(("fcgi_scripts.limits.\(entry.name)", entry.value)) }
        }
        let holders = [document] + ((try? document.child("hosts")?.items()) ?? [])
        found += holders.flatMap(MountsSection.origins).map { ($0.keyPath, $0) }
        var origins: [String: ConfigurationOrigin] = [:]
        for (path, node) in found {
            let mark = node.node.mark
            origins[path] = ConfigurationOrigin(key: path, file: node.source.file, line: mark?.line ?? 0, column: mark?.column ?? 0)
        }
        return origins
    }

    static let keys: [ConfigurationKey<HearthConfiguration>] = [
        .init("server") { $0.server = try $1.read($0.server, keys: ServerSection.keys) },
        .init("listen") { try ListenSection.read($1, into: &$0) },
        .init("log_level") { $0.logLevel = try $1.word(Logger.Level.allCases.map { ($0.rawValue, $0) }) },
        .init("access_log") { $0.accessLog = try accessLog($1) },
        .init("error_log") { $0.errorLog = try errorLog($1) },
        .init("trusted_proxies") { $0.server.trustedProxies = try trustedProxies($1) },
        .init("access_log_format") { $0.accessLogFormat = try accessLogFormat($1) },
        .init("max_concurrent_scripts") { $0.maxConcurrentScripts = try $1.integer(in: 1...Int.max) },
        .init("max_local_redirects") { $0.maxLocalRedirects = try $1.integer(in: 0...Int.max) },
        .init("min_uid") { $0.runAsMinimums.uid = try RunAsSection.minimum($1) },
        .init("min_gid") { $0.runAsMinimums.gid = try RunAsSection.minimum($1) },
        mountKey("cgi"),
        mountKey("fastcgi"),
        .init("fcgi_scripts") { $0.scriptPools = try $1.read(WorkerPoolConfiguration(), keys: FastCGISection.scriptPoolKeys) },
        mountKey("static"),
        .init("sessions") { $0.sessions = try SessionsSection.read($1) },
        .init("admin") { $0.admin = try $1.read(AdminConfiguration(), keys: AdminSection.keys) },
        .init("hosts") { $0.hosts = try HostsSection.read($1) },
    ]

    /// `cgi`, `fastcgi`, `static` at the top level: the one site's mounts.
    private static func mountKey(_ name: String) -> ConfigurationKey<HearthConfiguration> {
        let key = MountsSection.keys.first { $0.name == name }!
        return .init(name) { try key.store(&$0.mounts, $1) }
    }

    /// `"-"` (standard output), `off`, or a file path. A bare `no` or
    /// `false` is refused rather than taken as a file named "false".
    private static func accessLog(_ node: ConfigurationNode) throws -> String? {
        let what = "\"-\", a file path or off"
        switch try node.text(expecting: what) {
        case "-": return "-"
        case "off", "Off", "OFF": return nil
        case "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON":
            throw node.error("expected \(what), found \(node.found)")
        default: return try node.path()
        }
    }

    /// `"-"` (standard error, the default) or a file path; the file is
    /// opened at start-up and again on SIGUSR1.
    private static func errorLog(_ node: ConfigurationNode) throws -> String? {
        let text = try node.text(expecting: "\"-\" or a file path")
        return text == "-" ? nil : try node.path()
    }

    /// A list of addresses or CIDR ranges (`10.0.0.0/8`, `"::1"`): the
    /// proxies whose `X-Request-Id` is taken.
    static func trustedProxies(_ node: ConfigurationNode) throws -> [IPNetwork] {
        try node.items().map { item in
            let text = try item.text(expecting: "an address or CIDR range")
            guard let network = IPNetwork(cidr: text) else {
                throw item.error("expected an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8 or \"fd00::/8\" (no host bits set past the prefix), found \(item.found)")
            }
            return network
        }
    }

    /// `combined`, `common`, `json`, or an Apache `LogFormat` string, compiled here
    /// once. Issue 22 calls the key `log_format`; it is `access_log_format`
    /// beside `access_log`. A string with no directive at all is refused:
    /// it is more likely a misspelt name than a wish to log the same text
    /// for every request.
    private static func accessLogFormat(_ node: ConfigurationNode) throws -> AccessLogFormat {
        let what = "combined, common, json or a format string of % directives"
        let text = try node.text(expecting: what)
        if let named = AccessLogFormat.named.first(where: { $0.0 == text }) { return named.1 }
        guard text.contains("%") else { throw node.error("expected \(what), found \(node.found)") }
        do {
            return try AccessLogFormat(parsing: text)
        } catch {
            throw node.error("\(error)")
        }
    }
}
