import HearthHTTP
import HearthTLS

/// The `hosts:` list → `HearthConfiguration.hosts`: each item's names,
/// `default`, `tls`, and its own `cgi:`, `fastcgi:`, `static:` (read by
/// `MountsSection`, as the top level's are).
enum HostsSection {
    static let keys: [ConfigurationKey<VirtualHostConfiguration>] = [
        .init("names") { $0.names = try names($1) },
        .init("default") { $0.isDefault = try $1.boolean() },
        .init("tls") { $0.tls = try tls($1) },
    ] + MountsSection.keys.map { key in .init(key.name) { try key.store(&$0.mounts, $1) } }

    static func read(_ node: ConfigurationNode) throws -> [VirtualHostConfiguration] {
        let nodes = try node.items()
        guard !nodes.isEmpty else { throw node.error("expected at least one host ({names, cgi, static, ...}), or no hosts: at all") }
        var hosts: [VirtualHostConfiguration] = []
        var owners: [HostNamePattern: String] = [:]
        var defaultHost: String?
        for item in nodes {
            var host = try item.read(VirtualHostConfiguration(names: []), keys: keys)
            guard !host.names.isEmpty else { throw item.error("needs names: the host names it answers to (example.org, *.example.org)") }
            for (name, nameNode) in zip(host.names, try item.child("names")!.items()) {
                if let owner = owners[name] { throw nameNode.error("\(name) is already a name of \(owner); a name belongs to one host") }
                owners[name] = item.keyPath
            }
            if host.isDefault {
                if let defaultHost { throw item.child("default")!.error("\(defaultHost) is already the default host; only one may be") }
                defaultHost = item.keyPath
            }
            host.tls?.names = host.names.map(\.text)
            hosts.append(host)
        }
        return hosts
    }

    /// At least one, each exact or `*.` and a name (`HostNamePattern`).
    private static func names(_ node: ConfigurationNode) throws -> [HostNamePattern] {
        let items = try node.items()
        guard !items.isEmpty else { throw node.error("expected at least one host name (example.org, *.example.org)") }
        return try items.map { item in
            let text = try item.text(expecting: "a host name")
            guard let name = HostNamePattern(text) else {
                throw item.error("expected a host name such as example.org or *.example.org (a * only as the whole first label, no port), found \(item.found)")
            }
            return name
        }
    }

    /// `{certificate, key}`: PEM files, as a listener's `tls:` takes them.
    private static func tls(_ node: ConfigurationNode) throws -> TLSCertificateFiles {
        let files = try node.read(TLSCertificateFiles(), keys: [
            .init("certificate") { $0.certificate = try $1.path() },
            .init("key") { $0.key = try $1.path() },
        ])
        guard !files.certificate.isEmpty, !files.key.isEmpty else { throw node.error("expected certificate and key (PEM files)") }
        return files
    }

    /// What `hosts:` rules out in the rest of the file: mounts at the top
    /// level (which host would serve them?), and a host's `tls:` with no
    /// TLS listener to present it.
    static func check(_ configuration: HearthConfiguration, in document: ConfigurationNode) throws {
        guard let hosts = document.child("hosts") else { return }
        if let topLevel = MountsSection.lists(in: document) {
            throw topLevel.error("with hosts:, every mount belongs to a host; move this into an item of hosts: (hosts is at line \((hosts.node.mark?.line).map(String.init) ?? "?"))")
        }
        if configuration.tlsListeners.isEmpty, let index = configuration.hosts.firstIndex(where: { $0.tls != nil }),
           let item = try hosts.items()[index].child("tls") {
            throw item.error("no listener has tls: to present this certificate on; add tls: to a listen item")
        }
    }
}
