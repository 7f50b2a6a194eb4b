import HearthHTTP

/// The `server:` mapping → `HTTPServerConfiguration`.
enum ServerSection {
    static let keys: [ConfigurationKey<HTTPServerConfiguration>] = [
        .init("host") { $0.host = try ipAddress($1) },
        .init("port") { $0.port = try $1.integer(in: 0...65535) },
        .init("backlog") { $0.backlog = Int32(try $1.integer(in: 1...Int(Int32.max))) },
        .init("max_header_bytes") { $0.maxHeaderBytes = try $1.size(in: 1...Int.max) },
        .init("max_header_count") { $0.maxHeaderCount = try $1.integer(in: 1...Int.max) },
        .init("idle_timeout") { $0.idleTimeout = try $1.duration(atLeast: .nanoseconds(1)) },
        .init("body_read_timeout") { $0.bodyReadTimeout = try $1.duration(atLeast: .nanoseconds(1)) },
        .init("send_timeout") { $0.sendTimeout = try $1.duration(atLeast: .nanoseconds(1)) },
        .init("shutdown_timeout") { $0.shutdownTimeout = try $1.duration(atLeast: .nanoseconds(1)) },
        .init("max_requests_per_connection") { $0.maxRequestsPerConnection = try $1.integer(in: 1...Int.max) },
        .init("server_software") { $0.serverSoftware = try serverSoftware($1) },
        .init("user") { $0.user = try accountName($1) },
        .init("group") { $0.group = try accountName($1) },
        .init("http2") { $0.http2 = try $1.read(HTTP2Limits(), keys: http2Keys) },
    ]

    /// `server.http2:`, the limits of every HTTP/2 connection.
    static let http2Keys: [ConfigurationKey<HTTP2Limits>] = [
        .init("max_concurrent_streams") { $0.maxConcurrentStreams = try $1.integer(in: 1...Int(Int32.max)) },
        .init("max_header_list_size") { $0.maxHeaderListSize = try $1.size(in: 1...Int(Int32.max)) },
        .init("max_continuation_frames") { $0.maxContinuationFrames = try $1.integer(in: 1...Int(Int32.max)) },
        .init("max_resets") { $0.maxResets = try $1.integer(in: 1...Int(Int32.max)) },
        .init("reset_window") { $0.resetWindow = try $1.duration(atLeast: .milliseconds(1)) },
    ]

    /// A literal address, not a name: binding must not depend on a resolver.
    static func ipAddress(_ node: ConfigurationNode) throws -> String {
        let host = try node.text(expecting: "an IPv4 or IPv6 address")
        guard ConfigurationValue.isIPAddress(host) else {
            throw node.error(
                "expected an IPv4 or IPv6 address such as 127.0.0.1 or \"::1\" (no brackets, no host names), found \(node.found)")
        }
        return host
    }

    /// A user or group name as passwd(5) and group(5) hold them; whether it
    /// exists is checked at start-up, where the server becomes it.
    static func accountName(_ node: ConfigurationNode) throws -> String {
        let name = try node.text(expecting: "a user or group name")
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
            throw node.error("expected a user or group name, found \(node.found)")
        }
        return name
    }

    /// It goes out in every `Server` header, so it must be printable ASCII
    /// (RFC 9110 §10.2.4); a CR or LF here would split the response.
    private static func serverSoftware(_ node: ConfigurationNode) throws -> String {
        let software = try node.text()
        guard !software.isEmpty, software.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw node.error("must be non-empty printable ASCII (it is sent in the Server header)")
        }
        return software
    }
}
