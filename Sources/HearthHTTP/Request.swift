import HearthCGI
import NIOCore
import NIOHTTP1
import Synchronization

/// One HTTP request as a value: the head, a single-pass streaming body, and
/// the connection it arrived on.
public struct Request: Sendable {
    public var head: HTTPRequestHead {
        didSet { readPath = nil }
    }
    /// `path`, once read by `readPathOnce()` (the site reads it to choose a
    /// mount; the mount's resolver then takes the same value, not a second
    /// parse). Forgotten when the head changes.
    var readPath: RequestPath?
    public var body: RequestBody
    public var connection: ConnectionInfo
    /// How many local redirects (RFC 3875 §6.2.2) led to this request; 0 for
    /// a request as the client sent it.
    public var redirectDepth: Int = 0
    /// Who the server itself authenticated (RFC 3875 §4.1.1 AUTH_TYPE,
    /// §4.1.11 REMOTE_USER); nil when nothing checked credentials. A
    /// responder that authenticates sets it before passing the request on.
    public var authenticatedUser: AuthenticatedUser? = nil
    /// What the responder left for the access log (`%{cpu}`, `%{NAME}n`):
    /// shared by every copy of this request and by its local redirects.
    public let notes: RequestNotes
    /// The request's id (`RequestID`): `X-Request-Id` in the response,
    /// `UNIQUE_ID` for scripts, `request_id` in the logs. Kept by local
    /// redirects: they are one request.
    public let id: String
    /// The name of the virtual host that answers, as SERVER_NAME (RFC 3875
    /// §4.1.14): set by the site when it chooses the host (`hosts:`); nil
    /// without virtual hosts, and the Host field's name is SERVER_NAME.
    public var serverName: String? = nil

    public init(
        head: HTTPRequestHead, body: RequestBody, connection: ConnectionInfo, redirectDepth: Int = 0, notes: RequestNotes = RequestNotes(),
        id: String = RequestID.next()
    ) {
        self.head = head
        self.body = body
        self.connection = connection
        self.redirectDepth = redirectDepth
        self.notes = notes
        self.id = id
    }

    /// The path component of the target, still percent-encoded.
    public var rawPath: Substring {
        let uri = head.uri[...]
        return uri.firstIndex(of: "?").map { uri[..<$0] } ?? uri
    }

    /// The declared body length, if the client sent `Content-Length`.
    public var contentLength: Int? {
        head.headers.first(name: "content-length").flatMap { Int($0) }
    }

    /// True when the body is chunked (no length known until its end).
    public var isChunked: Bool {
        head.headers.contains(name: "transfer-encoding")
            && head.headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
    }

    /// True when the request carries a body at all.
    public var hasBody: Bool { isChunked || (contentLength ?? 0) > 0 }

    /// The request came on an HTTP/2 stream (its head reads as HTTP/2.0).
    public var isHTTP2: Bool { head.version.major == 2 }

    /// The request line as it appears in logs: `GET /x HTTP/1.1`.
    public var requestLine: String { "\(head.method.rawValue) \(head.uri) \(head.version)" }

    /// A copy of this request for an internal redirect: GET, the new target,
    /// no body (RFC 3875 §6.2.2 and §6.3.2: the body "may not be available").
    /// No `authenticatedUser`: the new target is dispatched through the
    /// mount table, and its own authentication (if any) checks again.
    public func redirected(to target: String) -> Request {
        var head = self.head
        head.method = .GET
        head.uri = target
        head.headers.remove(name: "content-length")
        head.headers.remove(name: "transfer-encoding")
        head.headers.remove(name: "content-type")
        var redirected = Request(head: head, body: .empty, connection: connection, redirectDepth: redirectDepth + 1, notes: notes, id: id)
        redirected.serverName = serverName
        return redirected
    }

    /// The request as RFC 3875 sees it: the one mapping every gateway
    /// (cold, warm, hot) uses, so that a script and a handler are told the
    /// same SERVER_NAME (§4.1.14) and the rest.
    public var cgiHead: CGIRequestHead {
        CGIRequestHead(
            method: head.method.rawValue, target: head.uri, httpVersion: "HTTP/\(head.version.major).\(head.version.minor)",
            headers: head.headers.map { ($0.name, $0.value) }, uniqueID: id, serverName: serverName
        )
    }
}

/// The identity a server-side check established: `type` is the scheme
/// (`Basic`), `user` the name the client proved.
public struct AuthenticatedUser: Sendable, Equatable {
    public var user: String
    public var type: String

    public init(user: String, type: String) {
        self.user = user
        self.type = type
    }
}

/// Where a request came from and arrived at.
public struct ConnectionInfo: Sendable {
    public var remoteAddress: String
    public var remotePort: Int
    public var localAddress: String
    public var localPort: Int
    /// `"http"`, or `"https"` on a TLS listener.
    public var scheme: String
    /// The TLS session the request came over; nil on plain HTTP.
    public var tls: TLSSession?
    let closeNotifier: CloseNotifier?

    public init(remoteAddress: String, remotePort: Int, localAddress: String, localPort: Int, scheme: String = "http") {
        self.init(remoteAddress: remoteAddress, remotePort: remotePort, localAddress: localAddress, localPort: localPort, scheme: scheme, closeNotifier: nil)
    }

    init(remoteAddress: String, remotePort: Int, localAddress: String, localPort: Int, scheme: String, closeNotifier: CloseNotifier?) {
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.localAddress = localAddress
        self.localPort = localPort
        self.scheme = scheme
        self.closeNotifier = closeNotifier
    }

    init(channel: Channel) {
        let remote = channel.remoteAddress
        let local = channel.localAddress
        self.init(
            remoteAddress: remote?.ipAddress ?? "", remotePort: remote?.port ?? 0,
            localAddress: local?.ipAddress ?? "", localPort: local?.port ?? 0,
            scheme: "http", closeNotifier: CloseNotifier(closeFuture: channel.closeFuture)
        )
    }

    /// Calls `handler` once when the client's connection closes (at once if
    /// it already has). Responders that run something long (a CGI script)
    /// stop the work when the client hangs up; cancel the subscription when
    /// the work is done.
    public func onClientClose(_ handler: @escaping @Sendable () -> Void) -> ClientCloseSubscription {
        ClientCloseSubscription(notifier: closeNotifier, id: closeNotifier?.subscribe(handler))
    }

}

extension ConnectionInfo {
    /// The connection as RFC 3875 sees it: the one mapping every gateway
    /// (cold, warm, hot) uses, so they tell a script the same.
    public var cgiConnection: CGIConnection {
        CGIConnection(
            remoteAddress: remoteAddress, remotePort: remotePort, localAddress: localAddress, localPort: localPort, scheme: scheme,
            tls: tls
        )
    }

    /// Marks the connection as TLS with `session` (its handshake is done).
    mutating func secure(_ session: TLSSession?) {
        guard let session else { return }
        tls = session
        scheme = "https"
    }
}
