#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The server could not bind or listen: named by its address, in words,
/// as nginx says `bind() to 127.0.0.1:8080 failed (98: Address already in
/// use)`. An ordinary failure, not a crash: the executable prints it and
/// exits non-zero.
public struct ListenError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var reason: String

    init(host: String, port: Int, underlying: any Error) {
        self.host = host
        self.port = port
        if let error = underlying as? IOError {
            reason = String(cString: strerror(error.errnoCode)).lowercased() + " (errno \(error.errnoCode))"
        } else {
            reason = "\(underlying)"
        }
    }

    public var description: String {
        "cannot listen on \(HTTPServer.authority(host: host, port: port)): \(reason)"
    }
}

/// A listener its configuration marks TLS, started with no certificates
/// for it: refused, rather than serving plain HTTP where clients expect
/// TLS (a program that builds `HTTPServer` itself must pass `security`).
struct TLSListenerWithoutCertificates: Error, CustomStringConvertible {
    var description: String { "a TLS listener with no certificates loaded" }
}
