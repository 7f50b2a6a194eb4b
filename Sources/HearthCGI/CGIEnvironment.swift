/// The request as the CGI environment builder sees it: nothing but values.
public struct CGIRequestHead: Sendable, Equatable {
    /// The request method, case preserved (RFC 3875 §4.1.12).
    public var method: String
    /// The raw request-target, `path[?query]`, still percent-encoded.
    public var target: String
    /// `"HTTP/1.1"`, `"HTTP/1.0"`.
    public var httpVersion: String
    /// Header fields in arrival order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The server's id of the request, passed as `UNIQUE_ID` (Apache's
    /// mod_unique_id; not in RFC 3875); nil for none.
    public var uniqueID: String?
    /// The name of the virtual host that answers (`hosts:`), as SERVER_NAME
    /// (§4.1.14); nil: the Host field's name, else the local address.
    public var serverName: String?

    public init(
        method: String, target: String, httpVersion: String, headers: [(name: String, value: String)], uniqueID: String? = nil,
        serverName: String? = nil
    ) {
        self.method = method
        self.target = target
        self.httpVersion = httpVersion
        self.headers = headers
        self.uniqueID = uniqueID
        self.serverName = serverName
    }

    /// The query component of the target, undecoded; "" when absent (§4.1.7).
    public var queryString: String {
        guard let mark = queryMark else { return "" }
        return String(Substring(target.utf8[target.utf8.index(after: mark)...]))
    }

    /// The path component of the target, still percent-encoded.
    public var rawPath: String {
        guard let mark = queryMark else { return target }
        return String(Substring(target.utf8[..<mark]))
    }

    /// The first "?" byte; among Characters, a combining mark after it
    /// would hide it.
    private var queryMark: String.Index? {
        target.utf8.firstIndex(of: 0x3F)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.httpVersion == rhs.httpVersion && lhs.serverName == rhs.serverName
            && lhs.headers.elementsEqual(rhs.headers) { $0 == $1 }
    }
}

/// Where the request arrived and where it came from.
public struct CGIConnection: Sendable, Equatable {
    public var remoteAddress: String
    public var remotePort: Int
    public var localAddress: String
    public var localPort: Int
    /// `"http"` or `"https"`.
    public var scheme: String
    /// The TLS session, on https: mod_ssl's `SSL_*` variables.
    public var tls: CGITLSSession?

    public init(
        remoteAddress: String, remotePort: Int, localAddress: String, localPort: Int, scheme: String = "http", tls: CGITLSSession? = nil
    ) {
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.localAddress = localAddress
        self.localPort = localPort
        self.scheme = scheme
        self.tls = tls
    }
}

/// What Apache mod_ssl's `SSLOptions +StdEnvVars` tells a script about the
/// TLS session (not RFC 3875, which predates it; scripts written for
/// Apache read these names).
public struct CGITLSSession: Sendable, Equatable {
    /// SSL_PROTOCOL: `TLSv1.2`, `TLSv1.3`.
    public var protocolName: String
    /// SSL_CIPHER: OpenSSL's name of the suite.
    public var cipher: String
    /// SSL_TLS_SNI: the name the client sent; absent when it sent none.
    public var serverName: String?

    public init(protocolName: String, cipher: String, serverName: String?) {
        self.protocolName = protocolName
        self.cipher = cipher
        self.serverName = serverName
    }
}

/// The server-wide facts a script is told about.
public struct CGIServer: Sendable, Equatable {
    /// SERVER_SOFTWARE (§4.1.17), e.g. `"Hearth/0.1"`.
    public var software: String
    /// DOCUMENT_ROOT as Apache sets it; also the base of PATH_TRANSLATED (§4.1.6).
    public var documentRoot: String

    public init(software: String, documentRoot: String) {
        self.software = software
        self.documentRoot = documentRoot
    }
}

/// Per-mount choices that change what a script sees.
public struct CGIEnvironmentPolicy: Sendable, Equatable {
    /// Pass `Authorization` as HTTP_AUTHORIZATION (Apache's `CGIPassAuth`).
    /// Off by default: RFC 3875 §4.1.18 says the server SHOULD remove it.
    public var passAuthorization: Bool
    /// Variables every script gets, e.g. `PATH`; nothing of the server's own
    /// environment leaks in (SECURITY.md, Shellshock).
    public var baseVariables: [(name: String, value: String)]
    /// Longest value exported for one header field; longer ones are dropped.
    public var maxHeaderValueLength: Int

    public init(
        passAuthorization: Bool = false,
        baseVariables: [(name: String, value: String)] = [("PATH", "/usr/local/bin:/usr/bin:/bin")],
        maxHeaderValueLength: Int = 16 * 1024
    ) {
        self.passAuthorization = passAuthorization
        self.baseVariables = baseVariables
        self.maxHeaderValueLength = maxHeaderValueLength
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.passAuthorization == rhs.passAuthorization && lhs.maxHeaderValueLength == rhs.maxHeaderValueLength
            && lhs.baseVariables.elementsEqual(rhs.baseVariables) { $0 == $1 }
    }
}

/// The identity the server itself established for the request (§4.1.1, §4.1.11).
public struct CGIAuthentication: Sendable, Equatable {
    public var type: String
    public var user: String

    public init(type: String, user: String) {
        self.type = type
        self.user = user
    }
}

/// The facts about one request's body that the environment reports (§4.1.2, §4.2).
public enum CGIBodyLength: Sendable, Equatable {
    case none
    /// The length after transfer-codings were removed.
    case exactly(Int)
}
