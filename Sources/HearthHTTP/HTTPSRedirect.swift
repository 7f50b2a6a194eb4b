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

    /// The Host value without its port. Only a Host that `HostField`
    /// accepts (a name, an IPv4 or a bracketed IPv6 address: no `/`, `@`
    /// or spaces) gets this far, so nothing can be injected into the
    /// Location field; checked again here so the rule holds on its own.
    static func hostName(_ value: String) -> String? {
        guard HostField.isValid(value) else { return nil }
        if value.hasPrefix("["), let end = value.firstIndex(of: "]") { return String(value[...end]) }
        return String(value.prefix { $0 != ":" })
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
