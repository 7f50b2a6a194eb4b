/// The `url:` of a mount, and the rule that no two mounts share one.
enum MountURL {
    /// A path prefix such as `/cgi-bin`, stored without a trailing slash
    /// (except `/` itself), as the site's mount table compares them.
    static func read(_ node: ConfigurationNode) throws -> String {
        let url = try node.text(expecting: "a URL path")
        guard url.hasPrefix("/") else { throw node.error("must start with \"/\", found \(node.found)") }
        guard !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "?" || $0 == "#" }) else {
            throw node.error("must be a plain path, without spaces, control characters, \"?\" or \"#\"")
        }
        let trimmed = url.reversed().drop { $0 == "/" }.reversed()
        return trimmed.isEmpty ? "/" : String(trimmed)
    }

    /// One mount, named for error messages: `cgi[1]`, or the default mount
    /// a list left in place.
    struct Claim {
        var url: String
        var owner: String
        var node: ConfigurationNode?
    }

    /// The claims of one list: `items` are its nodes in the file, or nil
    /// when the file left the default mounts in place.
    static func claims(_ urls: [String], from items: [ConfigurationNode]?, section: String) -> [Claim] {
        urls.enumerated().map { index, url in
            Claim(url: url, owner: items?[index].keyPath ?? "the default \(section) mount", node: items?[index])
        }
    }

    /// Two mounts at one URL would leave which one answers to the order of a
    /// sort; refuse the second (or the one from the file, if the other is a
    /// default).
    static func checkUnique(_ claims: [Claim]) throws {
        var seen: [String: Claim] = [:]
        for claim in claims {
            guard let earlier = seen[claim.url] else {
                seen[claim.url] = claim
                continue
            }
            guard let node = claim.node ?? earlier.node else { continue }
            let other = claim.node == nil ? claim.owner : earlier.owner
            throw (node.child("url") ?? node).error("\(claim.url) is already the URL of \(other)")
        }
    }
}
