import HearthHTTP

extension Site {
    /// A virtual host: the names it answers to and its mount table.
    public struct Host: Sendable {
        /// Exact names and wildcards; empty for the one host of a site
        /// without `hosts:`, which answers every name.
        public var names: [HostNamePattern]
        /// Where a name no host lists goes (else the first host).
        public var isDefault: Bool
        /// Deepest first: `/private` before `/`.
        public let mounts: [Mount]

        public init(names: [HostNamePattern], isDefault: Bool = false, mounts: [Mount]) {
            self.names = names
            self.isDefault = isDefault
            self.mounts = mounts.sorted { $0.path.segments.count > $1.path.segments.count }
        }

        /// SERVER_NAME (RFC 3875 §4.1.14) of a request that lands here
        /// without naming this host: its first exact name, else its first
        /// wildcard's domain (`*.example.org` → `example.org`).
        public var serverName: String {
            let name = names.first { !$0.isWildcard } ?? names.first
            guard let name else { return "" }
            return name.isWildcard ? String(name.text.dropFirst(2)) : name.text
        }
    }

    /// The host that answers a request for `name` (a Host field's or an
    /// SNI name, normalized: `HostNamePattern.host(of:)`), and SERVER_NAME
    /// for it: `name` when a host lists it, else the default host's own.
    /// One function, so that HTTP/2's `:authority` is routed as HTTP/1.1's
    /// Host is.
    public func host(named name: String?) -> (host: Host, serverName: String) {
        let (index, matched) = table.route(name)
        return (hosts[index], matched ?? hosts[index].serverName)
    }

    /// The host that answers `request`, by its Host field; sets its
    /// SERVER_NAME. Over TLS, a request whose SNI names another host is
    /// refused with 421 (RFC 9110 §15.5.20): a client reusing a connection
    /// for a second name must not reach a site the certificate it checked
    /// was not for. Without `hosts:`, the one host, and nothing set.
    func host(for request: inout Request) throws -> Host {
        guard table.isVirtual else { return hosts[0] }
        let field = request.head.headers.first(name: "host").map { HostNamePattern.host(of: $0) }
        let (index, matched) = table.route(field)
        if let sni = request.connection.tls?.serverName, case let named = table.route(HostNamePattern.normalize(sni)).host, named != index {
            throw HTTPError(
                .misdirectedRequest,
                "misdirected request: TLS SNI \(sni) is host \(hosts[named].serverName), Host \(field ?? "(none)") is host \(hosts[index].serverName)"
            )
        }
        let serverName = matched ?? hosts[index].serverName
        request.serverName = serverName
        return hosts[index]
    }
}

/// The virtual hosts' names: exact names first, then the longest
/// wildcard (`*.a.example.org` before `*.example.org`), as nginx's
/// `server_name` chooses; a name no host lists goes to the default host.
struct HostTable: Sendable {
    private let exact: [String: Int]
    /// Longest first.
    private let wildcards: [(pattern: HostNamePattern, host: Int)]
    private let fallback: Int
    /// False for the one nameless host of a site without `hosts:`.
    let isVirtual: Bool

    init(_ hosts: [Site.Host]) {
        var exact: [String: Int] = [:]
        var wildcards: [(pattern: HostNamePattern, host: Int)] = []
        for (index, host) in hosts.enumerated() {
            for name in host.names {
                if name.isWildcard { wildcards.append((name, index)) } else { exact[name.text] = exact[name.text] ?? index }
            }
        }
        self.exact = exact
        self.wildcards = wildcards.sorted { $0.pattern.text.count > $1.pattern.text.count }
        fallback = hosts.firstIndex(where: \.isDefault) ?? 0
        isVirtual = hosts.contains { !$0.names.isEmpty }
    }

    /// The host for `name` and, when a host lists it, the name itself.
    func route(_ name: String?) -> (host: Int, matched: String?) {
        guard let name, !name.isEmpty else { return (fallback, nil) }
        if let host = exact[name] { return (host, name) }
        if let wildcard = wildcards.first(where: { $0.pattern.matches(name, reach: .anyDepth) }) { return (wildcard.host, name) }
        return (fallback, nil)
    }
}
