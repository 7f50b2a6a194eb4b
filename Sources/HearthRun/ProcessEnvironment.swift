#if canImport(Glibc)
import Glibc
#endif

/// The process's own environment and error stream, for the CGI mode.
/// No swift-log here: its default handler writes to stdout, which in a CGI
/// program is the response.
enum ProcessEnvironment {
    /// Every NAME=VALUE of the environment, in order. A CGI program's
    /// environment is the request's meta-variables (§4.1) plus what the
    /// server passes on purpose (PATH, a mount's variables).
    static func current() -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        let start: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        guard var entry = start else { return [] }
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                pairs.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
            }
            entry += 1
        }
        return pairs
    }

    /// One line on stderr, which the server writes to its error log.
    static func logError(_ message: String) {
        let line = "hearth: " + message.replacingNewlines + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}

extension String {
    /// One log line per message, whatever the error printed.
    var replacingNewlines: String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
