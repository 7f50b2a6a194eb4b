import NIOCore

/// What puts TLS in front of a listener's HTTP handlers. HearthHTTP only
/// holds the seam: the TLS library is linked by the target that fills it
/// (HearthTLS), so a CGI program that links HearthHTTP does not carry it.
public protocol ListenerSecurity: Sendable {
    /// Called on `channel`'s event loop as it is accepted, before the HTTP
    /// handlers are added; returns how to read the session once its
    /// handshake is done (before the first request head arrives).
    func secure(_ channel: Channel) throws -> @Sendable () -> TLSSession?
}

/// What a script is told about the TLS session of its request: Apache
/// mod_ssl's `StdEnvVars` `SSL_PROTOCOL`, `SSL_CIPHER`, `SSL_TLS_SNI`.
public struct TLSSession: Sendable, Equatable {
    /// `TLSv1.2`, `TLSv1.3`.
    public var protocolName: String
    /// OpenSSL's name of the suite, e.g. `ECDHE-RSA-AES128-GCM-SHA256`.
    public var cipher: String
    /// The host name the client asked for (SNI); nil when it sent none.
    public var serverName: String?

    public init(protocolName: String, cipher: String, serverName: String?) {
        self.protocolName = protocolName
        self.cipher = cipher
        self.serverName = serverName
    }
}
