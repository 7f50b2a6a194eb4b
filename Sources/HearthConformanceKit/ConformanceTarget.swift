import Foundation

/// The server under test: `http://HOST:PORT/BASE/`, where BASE is the URL
/// path of its CGI directory holding the probe scripts.
public struct ConformanceTarget: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The CGI directory's URL path without a trailing slash, e.g. `/cgi-bin`.
    public var base: String

    public init(host: String, port: Int, base: String) {
        self.host = host
        self.port = port
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// Parses `http://127.0.0.1:8080/cgi-bin/` or `http://[::1]:8080/cgi-bin`.
    public init?(url: String) {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        let host: Substring
        let portText: Substring?
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            portText = after.hasPrefix(":") ? after.dropFirst() : nil
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
            portText = nil
        }
        guard !host.isEmpty, let port = portText.map({ Int($0) }) ?? 80 else { return nil }
        self.init(host: String(host), port: port, base: String(path))
    }

    /// The value of a Host header naming the target.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    func substitute(_ text: String) -> String {
        text.replacingOccurrences(of: "{host}", with: hostHeader)
            .replacingOccurrences(of: "{port}", with: String(port))
            .replacingOccurrences(of: "{base}", with: base)
            .replacingOccurrences(of: "{root}", with: "")
    }
}
