/// How the HTTP server listens and what it tolerates. Every field has a
/// default that is safe to expose on a network.
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Address to bind; `"::1"` or `"::"` for IPv6. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (tests). Default 8080.
    public var port: Int = 8080
    /// The site's listeners (`listen:`); when empty, one plain listener on
    /// `host` and `port`. Default empty.
    public var listeners: [HTTPListener] = []
    /// Most bytes in a request head (request line and fields) before 431.
    /// Default 64 KiB.
    public var maxHeaderBytes: Int = 64 * 1024
    /// Most header fields in one request before 431. Default 100 (Apache's
    /// LimitRequestFields).
    public var maxHeaderCount: Int = 100
    /// How long a connection may take to deliver the complete head of its
    /// next request, counted from accept or from the end of the previous
    /// response. Bounds idle keep-alive connections and slow-header attacks.
    /// Default 15 s.
    public var idleTimeout: Duration = .seconds(15)
    /// How long a responder may wait for the next piece of a request body.
    /// Default 30 s.
    public var bodyReadTimeout: Duration = .seconds(30)
    /// How long a response may wait for the client to take any of it: with
    /// no write progress for this long the connection is closed, and a
    /// script behind it stopped and reaped (Apache's `Timeout`). Default 30 s.
    public var sendTimeout: Duration = .seconds(30)
    /// How long a graceful shutdown lets in-flight requests finish before it
    /// closes the connections still open. Default 30 s.
    public var shutdownTimeout: Duration = .seconds(30)
    /// The most requests served on one connection. Default 1,000.
    public var maxRequestsPerConnection: Int = 1000
    /// The `Server` header and SERVER_SOFTWARE. Default `Hearth/0.1`.
    public var serverSoftware: String = "Hearth/\(HearthVersion.number)"
    /// The account the server process becomes once its listeners are
    /// bound and its logs open, when started as root (Apache's `User`):
    /// `hearth serve` gives up root for it before accepting a connection
    /// or starting a script. nil: no change. Default nil.
    public var user: String? = nil
    /// Its group (Apache's `Group`); nil: the user's own. Default nil.
    public var group: String? = nil
    /// Listen backlog. Default 256.
    public var backlog: Int32 = 256
    /// What the start-up line calls a second listener (`admin listener on
    /// http://127.0.0.1:9180/`), so that the site's own line, `listening on
    /// http://…/`, stays the one a supervisor or a test waits for. Default
    /// nil: the site's.
    public var listenerName: String? = nil
    /// Listening sockets handed over by whoever started the server
    /// (systemd's socket activation, `LISTEN_FDS`): when there are any,
    /// the server accepts on them and binds nothing itself, so `host`,
    /// `port` and `backlog` are the socket unit's business. Default none.
    public var inheritedSockets: [Int32] = []
    /// The proxies whose `X-Request-Id` is taken as the request's id
    /// (`trusted_proxies`); from any other client the field is replaced by
    /// an id the server makes (`RequestID`). Default none.
    public var trustedProxies: [IPNetwork] = []
    /// The limits of HTTP/2 connections (`server.http2:`), on TLS
    /// listeners that offer it and plain ones with `h2c`.
    public var http2 = HTTP2Limits()

    public init() {}

    /// The listeners served: `listeners`, or `host` and `port` alone.
    public var servedListeners: [HTTPListener] {
        listeners.isEmpty ? [HTTPListener(host: host, port: port)] : listeners
    }
}

/// The release, as `hearth --version`, the start-up log and the default
/// `Server` header say it.
public enum HearthVersion {
    public static let number = "0.1"
}
