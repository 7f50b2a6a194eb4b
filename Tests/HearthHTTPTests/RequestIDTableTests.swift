@testable import HearthHTTP
import NIOHTTP1
import Testing

/// The request id's pieces as tables: the ids made, the ids a proxy may
/// hand over, the ranges `trusted_proxies` takes, and which id a request
/// ends up with.
@Suite struct RequestIDTableTests {
    @Test func madeIDsAreShortURLSafeAndUnique() {
        let ids = (0..<10_000).map { _ in RequestID.next() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.wholeMatch(of: #/[A-Za-z0-9_-]{16}/#) != nil })
        #expect(ids.allSatisfy(RequestID.isAcceptable))
    }

    @Test(arguments: [
        ("4bf92f35-77b3-4da6-a3ce-929d0e0e4736", true), ("Root=1-5759e988-bd862e3fe1be46a994272793", true),
        ("abc/def+ghi==", true), ("a.b_c~d@e:f", true), (String(repeating: "a", count: 128), true),
        ("", false), (String(repeating: "a", count: 129), false), ("two words", false), ("quote\"d", false),
        ("semi;colon", false), ("comma,separated", false), ("caf\u{e9}", false), ("tab\there", false),
    ])
    func acceptableIDs(_ text: String, _ acceptable: Bool) {
        #expect(RequestID.isAcceptable(text) == acceptable)
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true), ("10.0.0.0/8", "11.0.0.1", false), ("10.0.0.0/8", "::ffff:10.1.2.3", true),
        ("192.0.2.7", "192.0.2.7", true), ("192.0.2.7", "192.0.2.8", false), ("0.0.0.0/0", "203.0.113.9", true),
        ("fd00::/8", "fd12::1", true), ("fd00::/8", "fe80::1", false), ("::1", "::1", true), ("::1", "127.0.0.1", false),
        ("127.0.0.0/8", "not an address", false), ("172.16.0.0/12", "172.31.255.255", true), ("172.16.0.0/12", "172.32.0.0", false),
    ])
    func networkContains(_ cidr: String, _ address: String, _ inside: Bool) throws {
        let network = try #require(IPNetwork(cidr: cidr))
        #expect(network.contains(address) == inside)
    }

    @Test(arguments: ["10.1.0.0/8", "10.0.0.0/33", "::/129", "host.example", "10.0.0.0/", "10.0.0.0/x", "", "/8"])
    func badRangesAreRefused(_ text: String) {
        #expect(IPNetwork(cidr: text) == nil)
    }

    @Test func assignKeepsOnlyATrustedAcceptableSingleID() {
        let trusted = [IPNetwork(cidr: "127.0.0.1")!]
        func assign(_ values: [String], from client: String) -> (id: String, fields: [String]) {
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: HTTPHeaders(values.map { ("X-Request-Id", $0) }))
            let id = RequestID.assign(to: &head, client: client, trusted: trusted)
            return (id, head.headers["X-Request-Id"])
        }
        #expect(assign(["proxy-1"], from: "127.0.0.1") == ("proxy-1", ["proxy-1"]))
        for (values, client) in [(["proxy-1"], "127.0.0.2"), (["a b"], "127.0.0.1"), (["a", "b"], "127.0.0.1"), ([], "127.0.0.1")] {
            let (id, fields) = assign(values, from: client)
            #expect(id != "proxy-1" && id.count == 16)
            #expect(fields == [id])
        }
    }
}
