import HearthHTTP
import HearthTLS
import Testing

@testable import Hearth

/// `hosts:` (issue 25, item 4): what the file says reaches each host, and
/// every mistake names its key path and line:column.
@Suite struct HostsConfigurationTests {
    func parse(_ yaml: String) throws -> HearthConfiguration {
        try ConfigurationFile.parse(yaml: yaml, file: "test.yaml", baseDirectory: "/etc/hearth")
    }

    @Test func eachHostGetsItsNamesMountsAuthAndCertificate() throws {
        let configuration = try parse("""
            listen:
              - {port: 443, tls: {certificate: site.pem, key: site.key}}
            hosts:
              - names: [Example.ORG., "*.example.org"]
                cgi:
                  - {url: /cgi-bin, directory: a/cgi-bin, auth: {users: {alice: "{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M="}}}
                static:
                  - {url: /, root: a/public, scripts: {php: /usr/bin/php-cgi}, cgi: {io_timeout: 7s}}
              - names: [b.example]
                default: true
                tls: {certificate: b.pem, key: b.key}
                fastcgi:
                  - {url: /app, command: /bin/app}
            """)
        #expect(configuration.hosts.map { $0.names.map(\.text) } == [["example.org", "*.example.org"], ["b.example"]])
        #expect(configuration.hosts.map(\.isDefault) == [false, true])
        let a = configuration.hosts[0].mounts
        #expect(a.cgiMounts.map(\.directory) == ["/etc/hearth/a/cgi-bin"] && a.authentication["/cgi-bin"] != nil)
        #expect(a.staticMounts.map(\.root) == ["/etc/hearth/a/public"] && a.documentRootScripts["/"]?.ioTimeout == .seconds(7))
        #expect(configuration.hosts[0].tls == nil)
        #expect(configuration.hosts[1].tls == TLSCertificateFilesExpectation.b)
        #expect(configuration.hosts[1].mounts.fastCGIMounts.map(\.urlPath) == ["/app"] && configuration.hosts[1].mounts.staticMounts.isEmpty)
        // The sample site's mounts are nobody's.
        #expect(configuration.cgiMounts.isEmpty && configuration.staticMounts.isEmpty)
        #expect(configuration.origin(of: "hosts[0].cgi[0].directory").line == 6)
    }

    @Test func withoutHostsTheTopLevelIsTheOneSite() throws {
        let configuration = try parse("cgi:\n  - {url: /s, directory: s}")
        #expect(configuration.hosts.isEmpty && configuration.cgiMounts.map(\.urlPath) == ["/s"] && configuration.staticMounts.count == 1)
    }

    @Test(arguments: [
        // names: missing, empty, not a list, malformed.
        ("hosts:\n  - cgi: []", "hosts[0]", 2, 5, "needs names:"),
        ("hosts:\n  - names: []", "hosts[0].names", 2, 12, "expected at least one host name"),
        ("hosts:\n  - names: a.example", "hosts[0].names", 2, 12, "expected a list"),
        ("hosts:\n  - names: [\"*.\"]", "hosts[0].names[0]", 2, 13, "expected a host name such as example.org or *.example.org"),
        ("hosts:\n  - names: [a.*.b]", "hosts[0].names[0]", 2, 13, "a * only as the whole first label"),
        ("hosts:\n  - names: [\"*example.org\"]", "hosts[0].names[0]", 2, 13, "expected a host name"),
        ("hosts:\n  - names: [\"*\"]", "hosts[0].names[0]", 2, 13, "expected a host name"),
        ("hosts:\n  - names: [a..example]", "hosts[0].names[0]", 2, 13, "expected a host name"),
        ("hosts:\n  - names: [\"a.example:8080\"]", "hosts[0].names[0]", 2, 13, "no port"),
        ("hosts:\n  - names: [\"\"]", "hosts[0].names[0]", 2, 13, "expected a host name"),
        // A name belongs to one host, however it is spelt.
        ("hosts:\n  - names: [a.example]\n  - names: [b.example, A.Example.]", "hosts[1].names[1]", 3, 24, "a.example is already a name of hosts[0]"),
        ("hosts:\n  - names: [\"*.a.example\"]\n  - names: [\"*.a.example\"]", "hosts[1].names[0]", 3, 13, "is already a name of hosts[0]"),
        // One default at most.
        ("hosts:\n  - {names: [a.example], default: true}\n  - {names: [b.example], default: true}", "hosts[1].default", 3, 35,
         "hosts[0] is already the default host; only one may be"),
        ("hosts:\n  - {names: [a.example], default: yes}", "hosts[0].default", 2, 35, "expected true or false"),
        // The list itself.
        ("hosts: []", "hosts", 1, 8, "expected at least one host"),
        ("hosts:\n  - {names: [a.example], port: 80}", "hosts[0].port", 2, 26, "unknown key \"port\"; allowed keys are names, default, tls, cgi, fastcgi, static"),
        // Mounts are read by the top level's parsers, errors at the host's key paths.
        ("hosts:\n  - names: [a.example]\n    cgi:\n      - {url: cgi-bin}", "hosts[0].cgi[0].url", 4, 15, "must start with \"/\""),
        ("hosts:\n  - names: [a.example]\n    cgi:\n      - {io_timout: 5s}", "hosts[0].cgi[0].io_timout", 4, 10, "unknown key \"io_timout\""),
        ("hosts:\n  - names: [a.example]\n    static:\n      - {url: /, root: a, auth: {}}", "hosts[0].static[0].auth", 4, 33, "needs htpasswd"),
        ("hosts:\n  - names: [a.example]\n    cgi: [{url: /x}]\n    static: [{url: /x}]", "hosts[0].static[0].url", 4, 20, "/x is already the URL of hosts[0].cgi[0]"),
        // tls: both files, and a TLS listener to present them on.
        ("hosts:\n  - names: [a.example]\n    tls: {certificate: a.pem}", "hosts[0].tls", 3, 10, "expected certificate and key"),
        ("hosts:\n  - names: [a.example]\n    tls: {certificate: a.pem, key: a.key}", "hosts[0].tls", 3, 10, "no listener has tls"),
        // Top-level mounts beside hosts: which host would serve them?
        ("cgi: []\nhosts:\n  - names: [a.example]", "cgi", 1, 6, "with hosts:, every mount belongs to a host"),
        ("hosts:\n  - names: [a.example]\nstatic:\n  - {url: /}", "static", 4, 3, "with hosts:, every mount belongs to a host"),
    ] as [(String, String, Int, Int, String)])
    func mistakes(yaml: String, key: String, line: Int, column: Int, says: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try parse(yaml) }
        #expect(error.key == key, "\(error)")
        #expect(error.position?.line == line && error.position?.column == column, "\(error) @ \(error.position?.column ?? 0)")
        #expect(error.message.contains(says), "\(error.message)")
    }

    /// The matcher hosts and certificates share: exact names before
    /// wildcards, the longest wildcard first, case and trailing dot and
    /// port ignored; a certificate's wildcard reaches one label only.
    @Test(arguments: [
        ("a.example", 0, "a.example"), ("A.EXAMPLE.:8080", 0, "a.example"), ("www.a.example", 1, "www.a.example"),
        ("x.y.a.example", 1, "x.y.a.example"), ("deep.sub.a.example", 2, "deep.sub.a.example"), ("q.deep.sub.a.example", 2, "q.deep.sub.a.example"),
        ("sub.a.example", 1, "sub.a.example"), ("other.example", 3, "b.example"), ("", 3, "b.example"), ("[::1]:80", 3, "b.example"),
    ] as [(String, Int, String)])
    func routing(field: String, host: Int, serverName: String) throws {
        let names = [["a.example"], ["*.a.example"], ["*.sub.a.example"], ["b.example", "*.b.example"]]
        let hosts = names.enumerated().map { index, names in
            Site.Host(names: names.compactMap(HostNamePattern.init), isDefault: index == 3, mounts: [Site.Mount(prefix: "/h\(index)", responder: Nothing())])
        }
        let site = Site(hosts: hosts)
        let chosen = site.host(named: field.isEmpty ? nil : HostNamePattern.host(of: field))
        #expect(chosen.host.mounts.map(\.prefix) == ["/h\(host)"] && chosen.serverName == serverName)
    }

    @Test func withoutADefaultTheFirstHostTakesUnknownNames() {
        let site = Site(hosts: [Site.Host(names: [HostNamePattern("*.a.example")!], mounts: []), Site.Host(names: [HostNamePattern("b.example")!], mounts: [])])
        #expect(site.host(named: "c.example").serverName == "a.example")
        #expect(site.host(named: nil).host.names.map(\.text) == ["*.a.example"])
    }

    @Test func aCertificateWildcardReachesOneLabel() {
        let pattern = HostNamePattern("*.a.example")!
        #expect(pattern.matches("x.a.example", reach: .oneLabel) && !pattern.matches("x.y.a.example", reach: .oneLabel))
        #expect(pattern.matches("x.y.a.example", reach: .anyDepth) && !pattern.matches("a.example", reach: .anyDepth))
    }
}

private enum TLSCertificateFilesExpectation {
    static let b = HearthTLS.TLSCertificateFiles(names: ["b.example"], certificate: "/etc/hearth/b.pem", key: "/etc/hearth/b.key")
}

private struct Nothing: Responder {
    func respond(to request: Request, writer: consuming ResponseWriter) async throws {}
}
