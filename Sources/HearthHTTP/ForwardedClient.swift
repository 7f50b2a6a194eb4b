import NIOHTTP1

/// The client and scheme a trusted proxy says it forwarded for, as Apache's
/// mod_remoteip and nginx's realip read them: from a peer in
/// `trusted_proxies` only, RFC 7239's `Forwarded` (or, without it, the
/// de-facto `X-Forwarded-For` and `X-Forwarded-Proto`) gives the request's
/// `REMOTE_ADDR`, `REMOTE_PORT` where the field names one, `HTTPS` and
/// `REQUEST_SCHEME`. From anyone else the fields change nothing: a client
/// cannot make itself look like another (the fields still reach a script
/// as `HTTP_FORWARDED` and `HTTP_X_FORWARDED_*`, as any field does).
enum ForwardedClient {
    /// One hop of the chain: the address it forwarded for, and the port
    /// and scheme when the field says.
    struct Hop: Equatable {
        var address: String
        var port: Int?
        var scheme: String?
    }

    /// `connection` as the request's client and scheme, when its peer is a
    /// trusted proxy that named them.
    static func resolve(_ connection: ConnectionInfo, head: HTTPRequestHead, trusted: [IPNetwork]) -> ConnectionInfo {
        guard !trusted.isEmpty, isTrusted(connection.remoteAddress, trusted) else { return connection }
        let hops = hops(in: head.headers)
        var resolved = connection
        // The nearest proxy's word on the scheme (the rightmost hop).
        if let scheme = hops.last?.scheme { resolved.scheme = scheme }
        // Right to left, past every trusted proxy: the first address that
        // is not one is the client. Further left, anyone could have written
        // anything. A hop that names no address (`unknown`, an obfuscated
        // name) ends the walk where it is.
        for hop in hops.reversed() {
            guard isAddress(hop.address) else { break }
            resolved.remoteAddress = hop.address
            resolved.remotePort = hop.port ?? 0
            if !isTrusted(hop.address, trusted) { break }
        }
        return resolved
    }

    /// One IPv4 or IPv6 address, not a range and not a name.
    static func isAddress(_ text: String) -> Bool {
        !text.contains("/") && IPNetwork(cidr: text) != nil
    }

    static func isTrusted(_ address: String, _ trusted: [IPNetwork]) -> Bool {
        trusted.contains { $0.contains(address) }
    }

    /// The chain, nearest proxy last: `Forwarded` when present, else
    /// `X-Forwarded-For` with `X-Forwarded-Proto` on its last hop.
    static func hops(in headers: HTTPHeaders) -> [Hop] {
        let forwarded = headers["forwarded"]
        if !forwarded.isEmpty { return forwarded.flatMap(ForwardedField.hops) }
        var hops = headers["x-forwarded-for"].flatMap { $0.split(separator: ",") }.map {
            Hop(address: $0.trimmed, port: nil, scheme: nil)
        }
        if let proto = headers["x-forwarded-proto"].last?.split(separator: ",").last, !hops.isEmpty {
            hops[hops.count - 1].scheme = ForwardedField.scheme(proto.trimmed)
        }
        return hops
    }
}
