import HearthCGI
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

/// What a script is told about the TLS session of its request (mod_ssl's
/// `SSL_*` variables): the RFC 3875 model's own type, so the session goes
/// to every gateway unchanged.
public typealias TLSSession = CGITLSSession
