/// One address the site is served on (`listen:`): plain HTTP or, when a
/// `ListenerSecurity` is given for it, HTTPS.
public struct HTTPListener: Sendable, Equatable {
    /// Address to bind; `"::1"` or `"::"` for IPv6. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (tests). Default 8080.
    public var port: Int = 8080
    /// Whether the listener speaks TLS (its `ListenerSecurity` does the
    /// work). Default false.
    public var tls: Bool = false
    /// Plain listener only: every request is answered 308 to the same path
    /// and query at `https://` the same host and the first TLS listener's
    /// port. Default false.
    public var redirectToHTTPS: Bool = false
    /// TLS listener only: the Strict-Transport-Security field sent with
    /// every response (RFC 6797). Default none.
    public var hsts: HSTSPolicy? = nil
    /// Every connection begins with a PROXY protocol header (v1 or v2,
    /// HAProxy's `send-proxy`), from a peer in `trusted_proxies`; the
    /// client it names is the requests' client. Default false.
    public var proxyProtocol: Bool = false
    /// TLS listener only: HTTP/2 is offered in ALPN (`h2` before
    /// `http/1.1`); a client that picks it is served HTTP/2, any other
    /// HTTP/1.1. Default true.
    public var http2: Bool = true
    /// Plain listener only: a connection that opens with HTTP/2's client
    /// preface (prior knowledge, RFC 9113 §3.3) is served HTTP/2, any other
    /// HTTP/1.1 on the same port. No `Upgrade: h2c` (RFC 9113 deprecates
    /// it; nginx does not offer it either). Default false.
    public var h2c: Bool = false

    public init(host: String = "127.0.0.1", port: Int = 8080, tls: Bool = false) {
        self.host = host
        self.port = port
        self.tls = tls
    }
}

/// RFC 6797 §6.1: `max-age` in seconds, `includeSubDomains` optional.
public struct HSTSPolicy: Sendable, Equatable {
    public var maxAge: Int = 31_536_000
    public var includeSubdomains: Bool = false

    public init(maxAge: Int = 31_536_000, includeSubdomains: Bool = false) {
        self.maxAge = maxAge
        self.includeSubdomains = includeSubdomains
    }

    /// The field as it goes out.
    var field: (name: String, value: String) {
        ("Strict-Transport-Security", "max-age=\(maxAge)\(includeSubdomains ? "; includeSubDomains" : "")")
    }
}
