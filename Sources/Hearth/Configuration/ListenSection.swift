import HearthHTTP
import HearthTLS

/// The `listen:` list → `server.listeners` and, for those with `tls:`,
/// `tlsListeners` by position.
enum ListenSection {
    struct Item {
        var listener = HTTPListener()
        var tls: TLSListenerConfiguration?
    }

    static let keys: [ConfigurationKey<Item>] = [
        .init("host") { $0.listener.host = try ServerSection.ipAddress($1) },
        .init("port") { $0.listener.port = try $1.integer(in: 0...65535) },
        .init("tls") {
            $0.tls = try tls($1)
            $0.listener.tls = true
        },
        .init("redirect_to_https") { $0.listener.redirectToHTTPS = try $1.boolean() },
        .init("hsts") { $0.listener.hsts = try $1.read(HSTSPolicy(), keys: hstsKeys) },
        .init("proxy_protocol") { $0.listener.proxyProtocol = try $1.boolean() },
        .init("http2") { $0.listener.http2 = try $1.boolean() },
        .init("h2c") { $0.listener.h2c = try $1.boolean() },
    ]

    static let hstsKeys: [ConfigurationKey<HSTSPolicy>] = [
        .init("max_age") { $0.maxAge = try $1.integer(in: 0...Int(Int32.max)) },
        .init("include_subdomains") { $0.includeSubdomains = try $1.boolean() },
    ]

    /// A `proxy_protocol` listener takes the header from `trusted_proxies`
    /// only: without any, it would refuse every connection.
    static func checkProxies(_ configuration: HearthConfiguration, in document: ConfigurationNode) throws {
        guard configuration.server.trustedProxies.isEmpty,
              let index = configuration.server.listeners.firstIndex(where: \.proxyProtocol),
              let item = try document.child("listen")?.items()[index]
        else { return }
        throw (item.child("proxy_protocol") ?? item).error("proxy_protocol takes the PROXY header from trusted_proxies only; list the proxies' addresses there")
    }

    static func read(_ node: ConfigurationNode, into configuration: inout HearthConfiguration) throws {
        let nodes = try node.items()
        guard !nodes.isEmpty else { throw node.error("expected at least one listener ({host, port})") }
        let items = try nodes.map { try $0.read(Item(), keys: keys) }
        for (item, node) in zip(items, nodes) { try check(item, node: node, all: items) }
        configuration.server.listeners = items.map(\.listener)
        configuration.tlsListeners = [:]
        for (index, item) in items.enumerated() {
            guard var tls = item.tls else { continue }
            if !item.listener.http2 { tls.applicationProtocols = ["http/1.1"] }
            configuration.tlsListeners[index] = tls
        }
    }

    private static func check(_ item: Item, node: ConfigurationNode, all: [Item]) throws {
        if item.listener.redirectToHTTPS {
            if item.tls != nil { throw node.error("redirect_to_https is for a plain listener; this one has tls") }
            if !all.contains(where: { $0.tls != nil }) { throw node.error("redirect_to_https needs a listener with tls to send clients to") }
        }
        if item.listener.h2c && item.tls != nil { throw node.error("h2c is HTTP/2 without TLS; a tls listener offers HTTP/2 by ALPN (http2: true)") }
        if item.listener.hsts != nil && item.tls == nil { throw node.error("hsts is sent over TLS only (RFC 6797 §7.2); this listener has no tls") }
    }

    /// `tls:` as written: one certificate's two keys, or `certificates:`.
    private struct TLSDraft {
        var single = TLSCertificateFiles()
        var configuration = TLSListenerConfiguration()
    }

    private static let tlsKeys: [ConfigurationKey<TLSDraft>] = [
        .init("certificate") { $0.single.certificate = try $1.path() },
        .init("key") { $0.single.key = try $1.path() },
        .init("certificates") { $0.configuration.certificates = try $1.items().map(certificate) },
        .init("check_interval") { $0.configuration.checkInterval = try $1.duration(atLeast: .milliseconds(100)) },
    ]

    private static func tls(_ node: ConfigurationNode) throws -> TLSListenerConfiguration {
        let draft = try node.read(TLSDraft(), keys: tlsKeys)
        var configuration = draft.configuration
        let hasSingle = !draft.single.certificate.isEmpty || !draft.single.key.isEmpty
        if hasSingle && !configuration.certificates.isEmpty { throw node.error("give certificate and key, or certificates:, not both") }
        if hasSingle { configuration.certificates = [draft.single] }
        guard !configuration.certificates.isEmpty else { throw node.error("expected certificate and key (PEM files), or certificates:") }
        for files in configuration.certificates where files.certificate.isEmpty || files.key.isEmpty {
            throw node.error("each certificate needs both certificate and key")
        }
        return configuration
    }

    private static func certificate(_ node: ConfigurationNode) throws -> TLSCertificateFiles {
        try node.read(TLSCertificateFiles(), keys: [
            .init("names") { $0.names = try $1.items().map { try $0.text(expecting: "a host name") } },
            .init("certificate") { $0.certificate = try $1.path() },
            .init("key") { $0.key = try $1.path() },
        ])
    }
}
