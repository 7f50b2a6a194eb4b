import Hearth
import HearthAuth
import HearthHTTP
import Testing

/// `admin:` in the config file, and the address blocks of its `allow`.
@Suite struct AdminConfigurationTests {
    func parse(_ yaml: String) throws -> HearthConfiguration {
        try ConfigurationFile.parse(yaml: yaml, file: "test.yaml", baseDirectory: "/srv/site")
    }

    @Test func offUnlessConfigured() throws {
        #expect(try parse("log_level: info\n").admin == nil)
        #expect(HearthConfiguration().admin == nil)
    }

    @Test func defaultsAreLoopbackOnly() throws {
        let admin = try #require(try parse("admin: {}\n").admin)
        #expect(admin.host == "127.0.0.1" && admin.port == 9180)
        #expect(admin.allow == AdminConfiguration.loopback)
        #expect(admin.auth == nil)
    }

    @Test func everyKeyReachesItsField() throws {
        let admin = try #require(try parse("""
            admin:
              host: "::"
              port: 9100
              allow: [127.0.0.1, 10.0.0.0/8, "fd00::/8"]
              auth:
                realm: Operators
                htpasswd: ops.htpasswd

            """).admin)
        #expect(admin.host == "::" && admin.port == 9100)
        #expect(admin.allow.map(\.description) == ["127.0.0.1", "10.0.0.0/8", "fd00::/8"])
        #expect(admin.auth?.realm == "Operators")
        guard case .htpasswd(let path) = admin.auth?.passwords else {
            Issue.record("expected an htpasswd file")
            return
        }
        #expect(path == "/srv/site/ops.htpasswd")
    }

    struct Membership: Sendable, CustomTestStringConvertible {
        var range: String
        var address: String
        var inside: Bool
        var testDescription: String { "\(address) \(inside ? "in" : "not in") \(range)" }
        init(_ range: String, _ address: String, _ inside: Bool) { (self.range, self.address, self.inside) = (range, address, inside) }
    }

    @Test(arguments: [
        Membership("127.0.0.0/8", "127.0.0.1", true), Membership("127.0.0.0/8", "127.255.0.9", true),
        Membership("127.0.0.0/8", "128.0.0.1", false), Membership("10.1.2.3", "10.1.2.3", true),
        Membership("10.1.2.3", "10.1.2.4", false), Membership("10.0.0.0/9", "10.127.255.255", true),
        Membership("10.0.0.0/9", "10.128.0.0", false), Membership("0.0.0.0/0", "203.0.113.7", true),
        Membership("::1/128", "::1", true), Membership("::1/128", "::2", false), Membership("fd00::/8", "fd12:3456::1", true),
        Membership("fd00::/8", "fe80::1", false),
        // RFC 4291 §2.5.5.2: an IPv4 client seen by a listener on `::`.
        Membership("127.0.0.0/8", "::ffff:127.0.0.1", true), Membership("::1/128", "127.0.0.1", false),
        Membership("127.0.0.0/8", "localhost", false), Membership("127.0.0.0/8", "", false),
    ])
    func addressBlocks(_ case: Membership) throws {
        let range = try #require(IPNetwork(cidr: `case`.range))
        #expect(range.contains(`case`.address) == `case`.inside)
    }

    @Test(arguments: ["", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0/8", "host/8", "10.0.0.0/8/8", "10.0.0.0/ 8"])
    func malformedBlocksAreRefused(text: String) {
        #expect(IPNetwork(cidr: text) == nil)
    }
}
