import NIOHTTP1
import Synchronization

/// `redirect_to_https`: a plain listener's answer to every request, a 308
/// (RFC 9110 §15.4.9: the method and body are kept) to the same path and
/// query over https, on the same host and the first TLS listener's port.
enum HTTPSRedirect {
    /// The `Location`; nil when the request names no usable host (the
    /// redirect would have nowhere to go: 400 instead).
    static func location(for head: HTTPRequestHead, httpsPort: Int) -> String? {
        guard let host = head.headers["host"].first.flatMap(hostName(_:)) else { return nil }
        let authority = httpsPort == 443 ? host : "\(host):\(httpsPort)"
        let target = head.uri.hasPrefix("/") ? head.uri : "/"
        return "https://\(authority)\(target)"
    }

    /// The Host value without its port; a name or address of the
    /// characters RFC 3986 §3.2.2 allows, so nothing can be injected into
    /// the Location field.
    static func hostName(_ value: String) -> String? {
        var host = Substring(value)
        if host.hasPrefix("[") {
            guard let end = host.firstIndex(of: "]") else { return nil }
            host = host[...end]
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        let allowed = host.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || Array("-.:[]".utf8).contains(byte)
        }
        return host.isEmpty || !allowed ? nil : String(host)
    }
}

/// The first TLS listener's port once bound (port 0 resolved).
final class HTTPSPort: Sendable {
    private let value = Mutex<Int?>(nil)

    var port: Int? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
