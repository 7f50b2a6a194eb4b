import HearthAuth
import HearthCGI
import HearthWorkers

/// One item of the `fastcgi:` list → `FastCGIMountConfiguration`, and the
/// `fcgi_scripts:` mapping → the pool settings of `*.fcgi` scripts.
enum FastCGISection {
    /// An item as read, before it is known whether it names a pool (`command`)
    /// or a remote server (`connect`).
    struct Item {
        var mount = FastCGIMountConfiguration(backend: .pool(WorkerPoolConfiguration()))
        var pool = WorkerPoolConfiguration()
        var connect: FastCGIAddress?
        var maxConnections = RemoteBackendConfiguration(address: .unix("/")).maxConnections
        var auth: BasicAuthConfiguration?
        var hasURL = false
    }

    static func read(_ node: ConfigurationNode) throws -> AuthSection.Protected<FastCGIMountConfiguration> {
        var item = try node.read(Item(), keys: itemKeys)
        // A named item without a URL is a pool for a document root's
        // `scripts:` alone.
        item.mount.isMounted = item.hasURL || item.mount.name == nil
        switch (item.pool.command.isEmpty, item.connect) {
        case (true, nil):
            throw node.error("needs either command (a program Hearth runs as a pool of workers) or connect (a running FastCGI server)")
        case (false, .some):
            throw node.error("has both command and connect; a mount runs its own workers or connects to a server, not both")
        case (false, nil):
            item.mount.backend = .pool(item.pool)
        case (true, .some(let address)):
            var remote = RemoteBackendConfiguration(address: address)
            remote.maxConnections = item.maxConnections
            remote.queueTimeout = item.pool.queueTimeout
            remote.busyTimeout = item.pool.busyTimeout
            item.mount.backend = .remote(remote)
        }
        return AuthSection.Protected(mount: item.mount, auth: item.auth)
    }

    static let itemKeys: [ConfigurationKey<Item>] = [
        .init("url") {
            $0.mount.urlPath = try MountURL.read($1)
            $0.hasURL = true
        },
        .init("name") { $0.mount.name = try name($1) },
        .init("command") { $0.pool.command = try command($1) },
        .init("connect") { $0.connect = try address($1) },
        .init("directory") { $0.mount.directory = try $1.path() },
        .init("extensions") { $0.mount.extensions = try extensions($1) },
        .init("max_body") { $0.mount.maxBodyBytes = try $1.size(in: 0...Int.max) },
        .init("spool_threshold") { $0.mount.spoolThreshold = try $1.size(in: 0...Int.max) },
        .init("chunked_bodies") { $0.mount.chunkedBodies = try $1.word([("dechunk", .dechunk), ("refuse", .refuse)]) },
        .init("max_script_header") { $0.mount.maxScriptHeaderBytes = try $1.size(in: 1...Int.max) },
        .init("max_output") { $0.mount.maxOutputBytes = try CGISection.maxOutput($1) },
        .init("script_headers") { $0.mount.scriptHeaders = try CGISection.scriptHeaders($1) },
        .init("params") { $0.mount.params = try params($1) },
        .init("pass_authorization") { $0.mount.passAuthorization = try $1.boolean() },
        .init("max_connections") { $0.maxConnections = try $1.integer(in: 1...Int.max) },
        .init("auth") { $0.auth = try AuthSection.read($1) },
    ] + poolKeys.map { key in .init(key.name) { try key.store(&$0.pool, $1) } }

    /// The settings of a pool, shared by `fastcgi:` items and `fcgi_scripts:`.
    static let poolKeys: [ConfigurationKey<WorkerPoolConfiguration>] = [
        .init("working_directory") { $0.workingDirectory = try $1.path() },
        .init("environment") { $0.environment = try CGISection.environment($1) },
        .init("min_processes") { $0.minProcesses = try $1.integer(in: 0...Int.max) },
        .init("max_processes") { $0.maxProcesses = try $1.integer(in: 1...Int.max) },
        .init("max_queue") { $0.maxQueue = try $1.integer(in: 0...Int.max) },
        .init("queue_timeout") { $0.queueTimeout = try $1.duration(atLeast: .zero) },
        .init("idle_timeout") { $0.idleTimeout = try $1.duration(atLeast: .nanoseconds(1)) },
        .init("max_requests") { $0.maxRequests = try offOr($1) { try $0.integer(in: 1...Int.max) } },
        .init("max_memory") { $0.maxResidentBytes = try offOr($1) { try $0.size(in: 1...Int.max) } },
        .init("busy_timeout") { $0.busyTimeout = try $1.duration(atLeast: .nanoseconds(1)) },
        .init("kill_grace") { $0.killGrace = try $1.duration(atLeast: .zero) },
        .init("crash_limit") { $0.crashLimit = try $1.integer(in: 1...Int.max) },
        .init("crash_window") { $0.crashWindow = try $1.duration(atLeast: .nanoseconds(1)) },
        .init("reload_on_change") { $0.reloadOnChange = try $1.boolean() },
        .init("limits") { $0.limits = try LimitsSection.read($1) },
        // Looked up once the whole file is read (RunAsSection.resolve).
        .init("run_as") { _, node in _ = try RunAsSection.name(node) },
    ]

    /// `fcgi_scripts:`: a pool's settings, and what the pools of `*.fcgi`
    /// scripts alone take from there (a `fastcgi` item has them as its own
    /// keys, for its pool or its remote server alike).
    static let scriptPoolKeys: [ConfigurationKey<WorkerPoolConfiguration>] = poolKeys + [
        .init("params") { $0.params = try params($1) },
        .init("script_headers") { $0.scriptHeaders = try CGISection.scriptHeaders($1) },
    ]

    /// `{GITWEB_CONFIG: /etc/gitweb.conf}`: named as `environment` names
    /// are, and never as a request variable (REMOTE_ADDR, SCRIPT_NAME,
    /// HTTP_*, …): a param comes after them and must not pass for one.
    static func params(_ node: ConfigurationNode) throws -> [(name: String, value: String)] {
        var params: [(name: String, value: String)] = []
        for entry in try node.entries() {
            guard !entry.name.isEmpty, !entry.name.contains("="), !entry.name.utf8.contains(0) else {
                throw entry.key.error("is not a valid environment variable name")
            }
            let upper = entry.name.uppercased()
            if CGIEnvironmentBuilder.requestVariableNames.contains(upper) || upper.hasPrefix(CGIEnvironmentBuilder.headerVariablePrefix) {
                throw entry.key.error("\(entry.name) is a request variable (RFC 3875 §4.1, or a header as HTTP_*), set by the server for each request; a param may not replace it")
            }
            let value = try entry.value.text(expecting: "a value")
            guard !value.utf8.contains(0) else { throw entry.value.error("must not contain a NUL byte") }
            params.append((entry.name, value))
        }
        return params
    }

    /// `php`, `dokuwiki-pool`: what `scripts:` calls the item.
    private static func name(_ node: ConfigurationNode) throws -> String {
        let name = try node.text(expecting: "a name")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw node.error("a name is letters, digits, -, _ and ., found \(node.found)")
        }
        return name
    }

    /// `[/usr/bin/php-cgi, -d, opcache.enable=1]` or one absolute path.
    private static func command(_ node: ConfigurationNode) throws -> [String] {
        let words: [String]
        if case .sequence = node.node {
            words = try node.items().map { try $0.text(expecting: "a word of the command") }
        } else {
            words = [try node.text(expecting: "an absolute path, or a list: [program, arguments…]")]
        }
        guard let program = words.first, program.hasPrefix("/") else {
            throw node.error("the program must be an absolute path (it is started directly, not through a shell), found \(node.found)")
        }
        guard !words.contains(where: { $0.utf8.contains(0) }) else { throw node.error("must not contain a NUL byte") }
        return words
    }

    private static func address(_ node: ConfigurationNode) throws -> FastCGIAddress {
        let text = try node.text(expecting: "unix:/path or host:port")
        guard let address = FastCGIAddress(parsing: text) else {
            throw node.error("expected unix:/absolute/path or host:port (an IPv6 host in brackets), found \(node.found)")
        }
        return address
    }

    private static func extensions(_ node: ConfigurationNode) throws -> [String] {
        try node.items().map { item in
            let name = try item.text(expecting: "an extension without the dot")
            guard !name.isEmpty, !name.hasPrefix("."), !name.contains("/") else { throw item.error("an extension is written without the dot, e.g. php") }
            return name
        }
    }

    private static func offOr<T>(_ node: ConfigurationNode, _ read: (ConfigurationNode) throws -> T) throws -> T? {
        try node.text(expecting: "a value or off") == "off" ? nil : read(node)
    }
}
