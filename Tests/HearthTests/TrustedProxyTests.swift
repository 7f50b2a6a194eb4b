import Foundation
import Hearth
import HearthHTTP
import HearthTesting
import Logging
import Testing

/// Issue 25, item 5: behind a trusted proxy, a script sees the client the
/// proxy forwarded for and the scheme it was reached by; a client talking
/// to Hearth directly cannot claim either. Through a real HAProxy on
/// loopback, the client connecting from 127.0.0.3.
@Suite(.serialized) struct TrustedProxyTests {
    static let env = """
        #!/bin/sh
        printf 'Content-Type: text/plain\\r\\n\\r\\n'
        echo "REMOTE_ADDR=$REMOTE_ADDR REMOTE_PORT=${REMOTE_PORT-unset} HTTPS=${HTTPS-unset} REQUEST_SCHEME=$REQUEST_SCHEME"

        """

    static func site(trusting ranges: [String]) async throws -> CGITestSite {
        try await CGITestSite.start(scripts: ["env": Self.env], site: { $0.server.trustedProxies = ranges.map { IPNetwork(cidr: $0)! } })
    }

    @Test func aTrustedProxysClientAndSchemeReachTheScript() async throws {
        try await Self.site(trusting: ["127.0.0.1"]).whileServing { site in
            let forwarded = try await site.get("/cgi-bin/env", headers: ["X-Forwarded-For: 198.51.100.1, 203.0.113.9", "X-Forwarded-Proto: https"])
            #expect(forwarded.text == "REMOTE_ADDR=203.0.113.9 REMOTE_PORT=unset HTTPS=on REQUEST_SCHEME=https\n")
            let rfc7239 = try await site.get("/cgi-bin/env", headers: [#"Forwarded: for="[2001:db8::7]:4711";proto=https"#])
            #expect(rfc7239.text == "REMOTE_ADDR=2001:db8::7 REMOTE_PORT=4711 HTTPS=on REQUEST_SCHEME=https\n")
        }
    }

    @Test func aClientOutsideTheListCannotClaimAnotherAddress() async throws {
        try await Self.site(trusting: ["10.0.0.0/8"]).whileServing { site in
            let response = try await site.get("/cgi-bin/env", headers: ["X-Forwarded-For: 203.0.113.9", "X-Forwarded-Proto: https", "Forwarded: for=192.0.2.1;proto=https"])
            #expect(response.text.hasPrefix("REMOTE_ADDR=127.0.0.1 REMOTE_PORT="))
            #expect(response.text.hasSuffix(" HTTPS=unset REQUEST_SCHEME=http\n"), "\(response.text)")
        }
    }

    /// HAProxy (`option forwardfor`, and the scheme it was reached by set
    /// as `X-Forwarded-Proto`) in front of Hearth; curl connects from
    /// 127.0.0.3, HAProxy from 127.0.0.1, the one address trusted. The
    /// same curl straight to Hearth, with a forged field, is itself.
    @Test func behindARealHAProxy() async throws {
        try await Self.site(trusting: ["127.0.0.1"]).whileServing { site in
            let proxy = try await HAProxy.start(forwardingTo: site.port)
            defer { proxy.stop() }
            let through = try await ProgramOutput.runAside("/usr/bin/curl", ["-s", "--interface", "127.0.0.3", "http://127.0.0.1:\(proxy.port)/cgi-bin/env"])
            #expect(through.output == "REMOTE_ADDR=127.0.0.3 REMOTE_PORT=unset HTTPS=on REQUEST_SCHEME=https\n", "\(through)")
            let direct = try await ProgramOutput.runAside("/usr/bin/curl", [
                "-s", "--interface", "127.0.0.3", "-H", "X-Forwarded-For: 203.0.113.9", "http://127.0.0.1:\(site.port)/cgi-bin/env",
            ])
            #expect(direct.output.hasPrefix("REMOTE_ADDR=127.0.0.3 REMOTE_PORT="), "\(direct)")
        }
    }
}

/// Issue 25, item 5: the PROXY protocol on a listener that enables it,
/// behind a real HAProxy (`send-proxy`, `send-proxy-v2`), and refused from
/// a peer that is not a trusted proxy or without a header.
@Suite(.serialized) struct ProxyProtocolTests {
    static func site(trusting ranges: [String], logger: Logger? = nil) async throws -> CGITestSite {
        try await CGITestSite.start(scripts: ["env": TrustedProxyTests.env], site: {
            $0.server.trustedProxies = ranges.map { IPNetwork(cidr: $0)! }
            var listener = HTTPListener(host: "127.0.0.1", port: 0)
            listener.proxyProtocol = true
            $0.server.listeners = [listener]
        }, logger: logger)
    }

    @Test(arguments: ["send-proxy", "send-proxy-v2"])
    func theClientHAProxyNamesIsTheScriptsClient(option: String) async throws {
        try await Self.site(trusting: ["127.0.0.1"]).whileServing { site in
            let proxy = try await HAProxy.start(forwardingTo: site.port, serverOptions: option, forwardFor: false)
            defer { proxy.stop() }
            let answer = try await ProgramOutput.runAside("/usr/bin/curl", ["-s", "--interface", "127.0.0.3", "http://127.0.0.1:\(proxy.port)/cgi-bin/env"])
            let port = answer.output.split(separator: " ").first { $0.hasPrefix("REMOTE_PORT=") }.flatMap { Int($0.dropFirst("REMOTE_PORT=".count)) }
            #expect(answer.output.hasPrefix("REMOTE_ADDR=127.0.0.3 "), "\(answer)")
            #expect(port.map { $0 > 0 && $0 != site.port } == true, "curl's own port: \(answer.output)")
        }
    }

    @Test func aPeerOutsideTrustedProxiesIsClosedAndLogged() async throws {
        let capture = LogCapture()
        try await Self.site(trusting: ["10.0.0.0/8"], logger: capture.logger()).whileServing { site in
            let connection = try RawConnection(port: site.port, timeoutSeconds: 10)
            try? await connection.send("PROXY TCP4 203.0.113.9 127.0.0.1 4000 80\r\nGET /cgi-bin/env HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await connection.readUntilPeerCloses().isEmpty)
            #expect(await Processes.eventually { capture.records.contains { $0.message.contains("refused a peer not in trusted_proxies") } })
        }
    }

    @Test func aConnectionWithoutAHeaderIsClosedAndLogged() async throws {
        let capture = LogCapture()
        try await Self.site(trusting: ["127.0.0.1"], logger: capture.logger()).whileServing { site in
            let connection = try RawConnection(port: site.port, timeoutSeconds: 10)
            try? await connection.send("GET /cgi-bin/env HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await connection.readUntilPeerCloses().isEmpty, "no answer: the request never reached HTTP")
            #expect(await Processes.eventually { capture.records.contains { $0.message.contains("did not begin with a PROXY protocol header") } })
            // A header by hand, then the request: served, with its client.
            let proxied = try RawConnection(port: site.port, timeoutSeconds: 10)
            try await proxied.send("PROXY TCP4 203.0.113.9 127.0.0.1 4000 80\r\nGET /cgi-bin/env HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(try await proxied.readResponse().text.hasPrefix("REMOTE_ADDR=203.0.113.9 REMOTE_PORT=4000 "))
        }
    }
}

/// A real HAProxy (Debian's) on a loopback port, in the foreground, as
/// this test's own process, stopped by its pid.
final class HAProxy: Sendable {
    let port: Int
    private let process: Process
    private let directory: TemporaryDirectory

    private init(port: Int, process: Process, directory: TemporaryDirectory) {
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// `serverOptions`: HAProxy's on the server line (`send-proxy`);
    /// `forwardFor`: `option forwardfor` and `X-Forwarded-Proto`;
    /// `mode`: `http`, or `tcp` to pass bytes through unread (TLS to the
    /// backend, as a TLS-passthrough load balancer does).
    static func start(forwardingTo backend: Int, serverOptions: String = "", forwardFor: Bool = true, mode: String = "http") async throws -> HAProxy {
        let directory = try TemporaryDirectory()
        let port = try RawConnection.unusedPort()
        try directory.write("haproxy.cfg", Array("""
            defaults
              mode \(mode)
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            frontend site
              bind 127.0.0.1:\(port)
            \(forwardFor ? "  option forwardfor\n  http-request set-header X-Forwarded-Proto https" : "")
              default_backend hearth
            backend hearth
              server hearth 127.0.0.1:\(backend) \(serverOptions)

            """.utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
        process.arguments = ["-db", "-f", directory.path + "/haproxy.cfg"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let proxy = HAProxy(port: port, process: process, directory: directory)
        guard await Processes.eventually(asking: { (try? RawConnection(port: port, timeoutSeconds: 1)) != nil }) else {
            proxy.stop()
            throw RawClientError.connect("127.0.0.1", port)
        }
        return proxy
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
