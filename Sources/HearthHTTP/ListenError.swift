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
