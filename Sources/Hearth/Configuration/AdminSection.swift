/// The `admin:` mapping → `AdminConfiguration` (docs/configuration.md).
enum AdminSection {
    static let keys: [ConfigurationKey<AdminConfiguration>] = [
        .init("host") { $0.host = try ServerSection.ipAddress($1) },
        .init("port") { $0.port = try $1.integer(in: 0...65535) },
        .init("allow") { $0.allow = try allow($1) },
        .init("auth") { $0.auth = try AuthSection.read($1) },
    ]

    /// A list of address blocks (`127.0.0.0/8`, `"::1"`), at least one: an
    /// empty list would refuse everybody, which is `admin:` left out.
    private static func allow(_ node: ConfigurationNode) throws -> [NetworkRange] {
        let ranges = try node.items().map { item in
            let text = try item.text(expecting: "an address block such as 127.0.0.0/8")
            guard let range = NetworkRange(text) else {
                throw item.error("expected an address or an address block such as 10.0.0.0/8 or \"::1/128\", found \(item.found)")
            }
            return range
        }
        guard !ranges.isEmpty else { throw node.error("needs at least one address block (leave admin out to turn the listener off)") }
        return ranges
    }
}
