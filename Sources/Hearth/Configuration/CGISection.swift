import HearthCGI
import HearthGateway
import HearthScripts

/// One item of the `cgi:` list → `CGIMountConfiguration`.
enum CGISection {
    static let keys: [ConfigurationKey<CGIMountConfiguration>] = [
        .init("url") { $0.urlPath = try MountURL.read($1) },
        .init("directory") { $0.directory = try $1.path() },
        .init("max_body") { $0.maxBodyBytes = try $1.size(in: 0...Int.max) },
        .init("spool_threshold") { $0.spoolThreshold = try $1.size(in: 0...Int.max) },
        .init("chunked_bodies") { $0.chunkedBodies = try $1.word([("dechunk", .dechunk), ("refuse", .refuse)]) },
        .init("io_timeout") { $0.ioTimeout = try $1.duration(atLeast: .nanoseconds(1)) },
        .init("total_timeout") { $0.totalTimeout = try $1.duration(atLeast: .nanoseconds(1)) },
        .init("kill_grace") { $0.killGrace = try $1.duration(atLeast: .zero) },
        .init("max_output") { $0.maxOutputBytes = try maxOutput($1) },
        .init("max_script_header") { $0.maxScriptHeaderBytes = try $1.size(in: 1...Int.max) },
        .init("script_headers") { $0.scriptHeaders = try scriptHeaders($1) },
        .init("max_concurrent") { $0.maxConcurrentPerScript = try $1.integer(in: 1...Int.max) },
        .init("queue_timeout") { $0.queueTimeout = try $1.duration(atLeast: .zero) },
        .init("interpreters") { $0.interpreters = try interpreters($1) },
        .init("pass_authorization") { $0.passAuthorization = try $1.boolean() },
        .init("command_line_words") { $0.commandLineWords = try $1.boolean() },
        .init("environment") { $0.environment = try environment($1) },
        .init("limits") { $0.limits = try LimitsSection.read($1) },
        // Looked up once the whole file is read (RunAsSection.resolve).
        .init("run_as") { _, node in _ = try RunAsSection.name(node) },
    ]

    /// `strict` (RFC 9110 token names only) or `lenient` (what Apache takes).
    static func scriptHeaders(_ node: ConfigurationNode) throws -> CGIScriptHeaders {
        try node.word([("strict", .strict), ("lenient", .lenient)])
    }

    static func maxOutput(_ node: ConfigurationNode) throws -> Int? {
        try node.text(expecting: "a size or off") == "off" ? nil : node.size(in: 1...Int.max)
    }

    /// `{php: /usr/bin/php-cgi}`: extensions without the dot, absolute
    /// interpreter paths (a relative one would depend on the script's
    /// working directory).
    private static func interpreters(_ node: ConfigurationNode) throws -> [String: String] {
        var interpreters: [String: String] = [:]
        for entry in try node.entries() {
            guard !entry.name.isEmpty, !entry.name.hasPrefix("."), !entry.name.contains("/") else {
                throw entry.key.error("an extension is written without the dot, e.g. php")
            }
            let path = try entry.value.text(expecting: "an absolute path")
            guard path.hasPrefix("/") else { throw entry.value.error("must be an absolute path, found \(entry.value.found)") }
            interpreters[entry.name] = path
        }
        return interpreters
    }

    /// Replaces the default environment; `PATH` is added when missing, since
    /// `#!/usr/bin/env` scripts need it.
    static func environment(_ node: ConfigurationNode) throws -> [(name: String, value: String)] {
        var environment: [(name: String, value: String)] = []
        for entry in try node.entries() {
            guard !entry.name.isEmpty, !entry.name.contains("="), !entry.name.utf8.contains(0) else {
                throw entry.key.error("is not a valid environment variable name")
            }
            let value = try entry.value.text(expecting: "a value")
            guard !value.utf8.contains(0) else { throw entry.value.error("must not contain a NUL byte") }
            environment.append((entry.name, value))
        }
        if !environment.contains(where: { $0.name == "PATH" }) {
            environment += CGIMountConfiguration().environment.filter { $0.name == "PATH" }
        }
        return environment
    }
}
