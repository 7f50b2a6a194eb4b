/// Builds the RFC 3875 meta-variables for one request: one pure function,
/// shared by every gateway (CGI now, FastCGI later), so that a script sees
/// the same environment at every temperature.
public enum CGIEnvironmentBuilder {
    public typealias Variable = (name: String, value: String)

    public static func build(
        request: CGIRequestHead,
        script: CGIScript,
        body: CGIBodyLength,
        connection: CGIConnection,
        server: CGIServer,
        policy: CGIEnvironmentPolicy = CGIEnvironmentPolicy(),
        authentication: CGIAuthentication? = nil,
        extra: [Variable] = []
    ) -> [Variable] {
        var env = CGIVariables()
        for base in policy.baseVariables { env.set(base.name, base.value) }
        env.set("GATEWAY_INTERFACE", "CGI/1.1")  // §4.1.4
        env.set("SERVER_SOFTWARE", server.software)  // §4.1.17
        env.set("SERVER_PROTOCOL", request.httpVersion)  // §4.1.16
        // §4.1.14; the Host header is the client's text, held to the same
        // single-line rule as every HTTP_* value.
        env.set("SERVER_NAME", singleLine(serverName(request: request, connection: connection)))
        env.set("SERVER_PORT", String(connection.localPort))  // §4.1.15: MUST, even the default port
        env.set("SERVER_ADDR", connection.localAddress)
        env.set("REQUEST_METHOD", request.method)  // §4.1.12
        env.set("REQUEST_SCHEME", connection.scheme)
        if connection.scheme == "https" { env.set("HTTPS", "on") }  // Apache's; frameworks test it for TLS
        if let tls = connection.tls {
            env.set("SSL_PROTOCOL", tls.protocolName)
            env.set("SSL_CIPHER", tls.cipher)
            if let name = tls.serverName { env.set("SSL_TLS_SNI", singleLine(name)) }
        }
        env.set("REQUEST_URI", request.target)
        env.set("QUERY_STRING", request.queryString)  // §4.1.7: "" when absent
        env.set("SCRIPT_NAME", script.scriptName)  // §4.1.13
        env.set("SCRIPT_FILENAME", script.filePath)
        env.set("DOCUMENT_ROOT", server.documentRoot)
        if !script.pathInfo.isEmpty {
            env.set("PATH_INFO", script.pathInfo)  // §4.1.5
            env.set("PATH_TRANSLATED", translate(script.pathInfo, root: server.documentRoot))  // §4.1.6
        }
        env.set("REMOTE_ADDR", connection.remoteAddress)  // §4.1.8
        env.set("REMOTE_HOST", connection.remoteAddress)  // §4.1.9: MAY substitute REMOTE_ADDR
        // 0: a trusted proxy named the client but not its port.
        if connection.remotePort > 0 { env.set("REMOTE_PORT", String(connection.remotePort)) }
        // Apache's mod_unique_id: scripts log it to join their lines with
        // the server's for the same request.
        if let id = request.uniqueID { env.set("UNIQUE_ID", id) }
        if let authentication {
            env.set("AUTH_TYPE", authentication.type)  // §4.1.1
            env.set("REMOTE_USER", authentication.user)  // §4.1.11
        }
        if case .exactly(let length) = body {
            env.set("CONTENT_LENGTH", String(length))  // §4.1.2: iff there is a body
        }
        if let type = firstValue(of: "content-type", in: request.headers) {
            env.set("CONTENT_TYPE", singleLine(type))  // §4.1.3: MUST whenever the request has one
        }
        addHeaderVariables(request.headers, policy: policy, authenticated: authentication != nil, into: &env)
        for variable in extra { env.set(variable.name, variable.value) }
        return env.ordered
    }

    /// The names this builder sets from the request, the server and the
    /// script, and the prefix of every header variable: what a mount's
    /// extra variables (`params:`) may never be called, so that none can
    /// pose as the client's address, a header or the script (§4.1).
    public static let requestVariableNames: Set<String> = [
        "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING",
        "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REMOTE_PORT", "REQUEST_METHOD", "REQUEST_SCHEME", "REQUEST_URI",
        "SCRIPT_NAME", "SCRIPT_FILENAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE", "SERVER_ADDR",
        "DOCUMENT_ROOT", "REDIRECT_STATUS", "HTTPS", "UNIQUE_ID", "SSL_PROTOCOL", "SSL_CIPHER", "SSL_TLS_SNI",
    ]
    public static let headerVariablePrefix = "HTTP_"

    /// §4.1.14: the virtual host's name when one answers (`hosts:`); else
    /// the Host header selects the name; without one, the address the
    /// request arrived on.
    static func serverName(request: CGIRequestHead, connection: CGIConnection) -> String {
        if let name = request.serverName { return name }
        guard let host = firstValue(of: "host", in: request.headers), !host.isEmpty else {
            return connection.localAddress.contains(":") ? "[\(connection.localAddress)]" : connection.localAddress
        }
        return String(hostName(ofField: host))
    }

    /// A Host field's name without its port: `example.org:8080` →
    /// `example.org`, `[::1]:8080` → `[::1]`. The one reading of the field
    /// that SERVER_NAME and the choice of a virtual host share.
    public static func hostName(ofField host: some StringProtocol) -> Substring {
        let host = Substring(host)
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            return host[...close]
        }
        if let colon = host.lastIndex(of: ":") { return host[..<colon] }
        return host
    }

    /// §4.1.6: PATH_INFO mapped onto the document tree, whether or not the
    /// file exists.
    static func translate(_ pathInfo: String, root: String) -> String {
        root.hasSuffix("/") ? root + pathInfo.dropFirst() : root + pathInfo
    }

    static func firstValue(of lowercasedName: String, in headers: [(name: String, value: String)]) -> String? {
        headers.first { $0.name.lowercased() == lowercasedName }?.value
    }
}
