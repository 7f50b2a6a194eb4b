import HearthHTTP

/// A TLS listener's `tls:` mapping: one certificate (`certificate`, `key`),
/// or several chosen by SNI (`certificates:`; the first is the default).
public struct TLSListenerConfiguration: Sendable, Equatable {
    /// At least one; the first answers clients that send no SNI or a name
    /// no certificate lists.
    public var certificates: [TLSCertificateFiles] = []
    /// How often the files are checked for a change (mtime, inode, size);
    /// a change reloads them as SIGHUP does. Default 5 s.
    public var checkInterval: Duration = .seconds(5)
    /// What the handshake offers in ALPN (RFC 7301), most preferred
    /// first: HTTP/2, then HTTP/1.1; `http2: false` on the listener leaves
    /// HTTP/1.1 alone. A client that offers none of them, or no ALPN at
    /// all, is served HTTP/1.1.
    public var applicationProtocols: [String] = ["h2", "http/1.1"]

    public init(certificates: [TLSCertificateFiles] = []) {
        self.certificates = certificates
    }
}

/// One certificate: a PEM chain (leaf first, as certbot's fullchain.pem),
/// its PEM private key, and the host names it is chosen for.
public struct TLSCertificateFiles: Sendable, Equatable {
    /// Exact names and `*.example.org` (one label); empty: the default only.
    public var names: [String] = []
    public var certificate: String = ""
    public var key: String = ""

    public init(names: [String] = [], certificate: String = "", key: String = "") {
        self.names = names
        self.certificate = certificate
        self.key = key
    }

    /// Whether `host` (the client's SNI) is one of `names`: exact, or one
    /// label under a `*.` name (RFC 6125 §6.4.3), case-insensitively
    /// (`HostNamePattern`, the matcher virtual hosts use too).
    func serves(_ host: String) -> Bool {
        let host = HostNamePattern.normalize(host)
        return names.contains { HostNamePattern($0)?.matches(host, reach: .oneLabel) ?? false }
    }
}
