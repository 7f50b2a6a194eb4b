/// An access-log line format, compiled once at start-up from an Apache
/// `LogFormat` string (mod_log_config) and then only rendered: `combined`
/// (the default), `common`, or a string such as
/// `%h %t "%r" %>s %b %D %{cpu} %{maxrss}`. The supported directives are
/// listed in docs/configuration.md; anything else is refused when parsed.
public struct AccessLogFormat: Sendable, Equatable {
    /// One piece of a line.
    enum Item: Sendable, Equatable {
        case literal(String)
        /// `%h`, `%a`: the client's address (no DNS lookups, ever).
        case remoteAddress
        /// `%A`, `%p`: where the request arrived.
        case localAddress, localPort
        /// `%l`: always `-` (no identd).
        case identity
        /// `%u`: the authenticated user.
        case user
        /// `%t`: `[10/Oct/2000:13:55:36 +0000]`.
        case time
        /// `%r`, `%m`, `%U`, `%q`, `%H`.
        case requestLine, method, path, query, httpVersion
        /// `%s`, `%>s`, `%<s`: the status sent (Hearth has one status per
        /// response; a local redirect is followed inside it).
        case status
        /// `%b` (`-` for none) and `%B` (`0` for none): body bytes sent.
        case bodyBytes(zero: String)
        /// `%{Name}i`: a request header field, the first of that name.
        case requestHeader(String)
        /// `%{NAME}n` and `%{NAME}`: a note the responder left (`cpu`,
        /// `maxrss`, ...), `-` when none.
        case note(String)
        /// `%D`, `%T`, `%{UNIT}T`: time taken, from the request head to the log.
        case elapsed(TimeUnit)
        /// `%{UNIQUE_ID}e`: the request's id (`RequestID`), as Apache logs
        /// mod_unique_id's.
        case requestID
    }

    enum TimeUnit: Sendable, Equatable {
        case seconds, milliseconds, microseconds
    }

    let items: [Item]
    /// One JSON object a line (`AccessLogJSON`) instead of `items`.
    let isJSON: Bool

    init(items: [Item], isJSON: Bool = false) {
        self.items = items
        self.isJSON = isJSON
    }

    /// Parses an Apache-style format string.
    public init(parsing text: String) throws(AccessLogFormatError) {
        self.init(items: try AccessLogFormatParser.parse(text))
    }

    /// Apache's Combined Log Format:
    /// `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`.
    public static let combined = try! AccessLogFormat(parsing: #"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i""#)

    /// Apache's Common Log Format: `%h %l %u %t "%r" %>s %b`.
    public static let common = try! AccessLogFormat(parsing: #"%h %l %u %t "%r" %>s %b"#)

    /// One JSON object a line, with the request id, mount, script and the
    /// run's cost (`AccessLogJSON`; docs/configuration.md lists the keys).
    public static let json = AccessLogFormat(items: [], isJSON: true)

    /// The formats a config file may name instead of writing a string.
    public static let named: [(String, AccessLogFormat)] = [("combined", .combined), ("common", .common), ("json", .json)]
}

/// A format string that cannot be compiled: what is wrong, and where.
public struct AccessLogFormatError: Error, Equatable, CustomStringConvertible {
    /// The 1-based position, in characters, of the directive at fault.
    public var position: Int
    public var message: String

    public var description: String { "\(message) (at character \(position) of the format)" }
}

/// What one access-log line is about.
struct AccessLogEntry {
    var connection: ConnectionInfo
    /// Nil when the request could not be read (a malformed head).
    var request: Request?
    /// The request's id; a malformed one gets its own too.
    var requestID: String
    var user: String?
    var status: Int
    var bodyBytes: Int
    /// From the parsed head to the log; nil when unknown.
    var elapsed: Duration?
}

extension AccessLogFormat {
    /// One line, without its newline. Everything a client or a script
    /// could have chosen is escaped (`CombinedLogFormat.escape`), so no
    /// field can forge another or a line.
    func line(_ entry: AccessLogEntry) -> String {
        if isJSON { return AccessLogJSON.line(entry) }
        var line = ""
        line.reserveCapacity(192)
        for item in items { append(item, of: entry, to: &line) }
        return line
    }

    private func append(_ item: Item, of entry: AccessLogEntry, to line: inout String) {
        let request = entry.request
        switch item {
        case .literal(let text): line += text
        case .remoteAddress: line += orDash(entry.connection.remoteAddress)
        case .localAddress: line += orDash(entry.connection.localAddress)
        case .localPort: line += String(entry.connection.localPort)
        case .identity: line += "-"
        case .user: line += entry.user.map(CombinedLogFormat.userField) ?? "-"
        case .time: line += "[\(HTTPDate.logTimestamp())]"
        case .requestLine: line += request.map { CombinedLogFormat.escape($0.requestLine) } ?? "-"
        case .method: line += request.map { CombinedLogFormat.escape($0.head.method.rawValue) } ?? "-"
        case .path: line += request.map { CombinedLogFormat.escape(String($0.rawPath)) } ?? "-"
        case .query: line += request.map { Self.query(of: $0) } ?? ""
        case .httpVersion: line += request.map { "\($0.head.version)" } ?? "-"
        case .status: line += String(entry.status)
        case .bodyBytes(let zero): line += entry.bodyBytes == 0 ? zero : String(entry.bodyBytes)
        case .requestHeader(let name): line += request?.head.headers.first(name: name).map(CombinedLogFormat.escape) ?? "-"
        case .note(let name): line += request?.notes[name].map(CombinedLogFormat.escape) ?? "-"
        case .elapsed(let unit): line += entry.elapsed.map { Self.count($0, in: unit) } ?? "-"
        case .requestID: line += entry.requestID
        }
    }

    private func orDash(_ text: String) -> String { text.isEmpty ? "-" : text }

    /// `%q`: `?` and the query, or nothing when there is none (Apache).
    private static func query(of request: Request) -> String {
        CombinedLogFormat.escape(rawQuery(of: request))
    }

    /// `?` and the query as sent, or "" when there is none.
    static func rawQuery(of request: Request) -> String {
        let uri = request.head.uri
        guard let mark = uri.firstIndex(of: "?") else { return "" }
        return String(uri[mark...])
    }

    /// Whole units, truncated, as Apache prints `%T` and `%D`.
    private static func count(_ duration: Duration, in unit: TimeUnit) -> String {
        let (seconds, attoseconds) = duration.components
        switch unit {
        case .seconds: return String(seconds)
        case .milliseconds: return String(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        case .microseconds: return String(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        }
    }
}
