@testable import HearthHTTP
import NIOHTTP1
import Testing

/// Who the client is behind a trusted proxy (issue 25, item 5): RFC 7239
/// `Forwarded` and the de-facto `X-Forwarded-For` / `X-Forwarded-Proto`,
/// read right to left past the trusted proxies, from a trusted peer only.
@Suite struct ForwardedClientTableTests {
    static let proxies = [IPNetwork(cidr: "127.0.0.1")!, IPNetwork(cidr: "10.0.0.0/8")!]
    static let peer = ConnectionInfo(remoteAddress: "127.0.0.1", remotePort: 50_000, localAddress: "127.0.0.1", localPort: 8080)

    static func resolve(_ fields: [(String, String)], peer: ConnectionInfo = peer) -> ConnectionInfo {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
        for (name, value) in fields { head.headers.add(name: name, value: value) }
        return ForwardedClient.resolve(peer, head: head, trusted: proxies)
    }

    @Test(arguments: [
        // The rightmost address that is not a trusted proxy: the left one
        // is whatever the client wrote.
        ([("X-Forwarded-For", "198.51.100.1, 203.0.113.9")], "203.0.113.9", 0),
        ([("X-Forwarded-For", "203.0.113.9, 10.1.2.3")], "203.0.113.9", 0),
        ([("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-For", "10.1.2.3")], "203.0.113.9", 0),
        // Every hop trusted: the leftmost is as far as the chain goes.
        ([("X-Forwarded-For", "10.0.0.1, 10.0.0.2")], "10.0.0.1", 0),
        // A hop that is no address ends the walk where it is.
        ([("X-Forwarded-For", "203.0.113.9, unknown, 10.0.0.2")], "10.0.0.2", 0),
        ([("X-Forwarded-For", "10.0.0.0/8")], "127.0.0.1", 50_000),
        ([("Forwarded", #"for="[2001:db8::7]:4711";proto=https"#)], "2001:db8::7", 4711),
        ([("Forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43, for=10.9.9.9")], "192.0.2.60", 0),
        ([("Forwarded", #"For="192.0.2.43:47011""#)], "192.0.2.43", 47_011),
        ([("Forwarded", "for=_hidden, for=10.0.0.4")], "10.0.0.4", 0),
        // `Forwarded` wins over the de-facto fields.
        ([("Forwarded", "for=192.0.2.1"), ("X-Forwarded-For", "192.0.2.2")], "192.0.2.1", 0),
        ([], "127.0.0.1", 50_000),
    ] as [([(String, String)], String, Int)])
    func theClientIsTheFirstUntrustedHopFromTheRight(fields: [(String, String)], address: String, port: Int) {
        let client = Self.resolve(fields)
        #expect(client.remoteAddress == address && client.remotePort == port)
    }

    @Test(arguments: [
        ([("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "https")], "https"),
        ([("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "HTTPS")], "https"),
        ([("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "gopher")], "http"),
        ([("X-Forwarded-Proto", "https")], "http"),
        ([("Forwarded", "for=203.0.113.9;proto=https")], "https"),
        ([("Forwarded", "for=203.0.113.9;proto=https, for=10.0.0.1;proto=http")], "http"),
    ] as [([(String, String)], String)])
    func theSchemeIsTheNearestProxysWord(fields: [(String, String)], scheme: String) {
        #expect(Self.resolve(fields).scheme == scheme)
    }

    @Test func anUntrustedPeerChangesNothing() {
        let stranger = ConnectionInfo(remoteAddress: "192.0.2.99", remotePort: 4000, localAddress: "127.0.0.1", localPort: 8080)
        let client = Self.resolve([("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "https"), ("Forwarded", "for=1.2.3.4")], peer: stranger)
        #expect(client.remoteAddress == "192.0.2.99" && client.remotePort == 4000 && client.scheme == "http")
    }
}
