/// `access_log_format: json`: one JSON object a line (RFC 8259), for log
/// shippers that would otherwise parse Apache's format with a regular
/// expression. Keys with nothing to say are left out rather than `null`:
/// `user` without authentication, `mount` for a request no mount took,
/// the run's fields (`script`, `cpu`, `maxrss`, ...) when no script ran.
///
/// Everything a client or a script chose is a JSON string, escaped so that
/// no value can end the object or the line: `"` and `\`, every control
/// byte, and every non-ASCII character as `\uXXXX`, so the line is ASCII.
enum AccessLogJSON {
    static func line(_ entry: AccessLogEntry) -> String {
        var object = Object()
        object.string("time", HTTPDate.isoTimestamp())
        object.string("request_id", entry.requestID)
        object.string("client", entry.connection.remoteAddress)
        if let user = entry.user { object.string("user", user) }
        if let request = entry.request {
            object.string("method", request.head.method.rawValue)
            object.string("path", String(request.rawPath))
            let query = AccessLogFormat.rawQuery(of: request)
            if !query.isEmpty { object.string("query", String(query.dropFirst())) }
            object.string("protocol", "HTTP/\(request.head.version.major).\(request.head.version.minor)")
        }
        object.number("status", String(entry.status))
        object.number("bytes", String(entry.bodyBytes))
        if let elapsed = entry.elapsed { object.number("duration", seconds(elapsed)) }
        if let request = entry.request { add(request, to: &object) }
        return object.text + "}"
    }

    /// The request's fields and headers, and what its responder noted.
    private static func add(_ request: Request, to object: inout Object) {
        for (key, header) in [("referer", "referer"), ("user_agent", "user-agent")] {
            if let value = request.head.headers.first(name: header) { object.string(key, value) }
        }
        for key in ["mount", "script", "fastcgi"] {
            if let value = request.notes[key] { object.string(key, value) }
        }
        for key in ["worker", "cpu", "cpu_user", "cpu_system", "maxrss", "wall", "exit", "signal"] {
            guard let value = request.notes[key] else { continue }
            if isNumber(value) { object.number(key, value) } else { object.string(key, value) }
        }
    }

    /// Seconds with microseconds, `0.001234`.
    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let micros = String(attoseconds / 1_000_000_000_000)
        return "\(seconds)." + String(repeating: "0", count: 6 - micros.count) + micros
    }

    /// A note is written as a number only when it is one as JSON reads
    /// it: digits with at most one inner dot.
    private static func isNumber(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    }

    /// An object being written, without its closing brace.
    private struct Object {
        var text = "{"

        mutating func string(_ key: String, _ value: String) {
            member(key)
            text += "\""
            escape(value, into: &text)
            text += "\""
        }

        mutating func number(_ key: String, _ value: String) {
            member(key)
            text += value
        }

        private mutating func member(_ key: String) {
            if text.utf8.count > 1 { text += "," }
            text += "\"" + key + "\":"
        }
    }

    /// RFC 8259 §7.
    static func escape(_ value: String, into out: inout String) {
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
    }
}
