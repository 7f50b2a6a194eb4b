import HearthHTTP

/// The `admin:` mapping → `AdminConfiguration` (docs/configuration.md).
enum AdminSection {
    static let keys: [ConfigurationKey<AdminConfiguration>] = [
        .init("host") { $0.host = try ServerSection.ipAddress($1) },
        .init("port") { $0.port = try $1.integer(in: 0...65535) },
        .init("allow") { $0.allow = try allow($1) },
        .init("auth") { $0.auth = try AuthSection.read($1) },
    ]

    /// Address ranges, read as `trusted_proxies` is, at least one: an empty
    /// list would refuse everybody, which is `admin:` left out.
    private static func allow(_ node: ConfigurationNode) throws -> [IPNetwork] {
        let ranges = try ConfigurationFile.trustedProxies(node)
        guard !ranges.isEmpty else { throw node.error("needs at least one address range (leave admin out to turn the listener off)") }
        return ranges
    }
}
