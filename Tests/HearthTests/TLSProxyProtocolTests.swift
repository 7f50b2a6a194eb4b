import Foundation
import HearthTesting
import Testing

/// Issue 25, items 2 and 5 together: a TLS listener with
/// `proxy_protocol: true` behind a real HAProxy in `mode tcp` (TLS
/// passthrough, `send-proxy-v2`). The PROXY header comes before the TLS
/// hello, so the listener reads it first and then does the handshake
/// itself: the script sees the client HAProxy names and mod_ssl's
/// variables of the session curl made with Hearth.
@Suite("TLS behind a PROXY-protocol load balancer", .serialized)
struct TLSProxyProtocolTests {
    @Test func aTLSListenerBehindHAProxyInTCPModeSeesTheClientAndTheSession() async throws {
        let directory = try TemporaryDirectory()
        let certificates = try TestCertificates(in: directory.path + "/certs")
        try certificates.leaf("site", host: "localhost", serial: "1001")
        try directory.write("cgi-bin/env", Array("#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nenv\n".utf8), mode: 0o755)
        try directory.write("hearth.yaml", """
            access_log: off
            trusted_proxies: [127.0.0.1]
            listen:
              - {host: 127.0.0.1, port: 0}
              - {host: 127.0.0.1, port: 0, proxy_protocol: true, tls: {certificate: certs/site.pem, key: certs/site.key}}
            cgi:
              - url: /cgi-bin
                directory: cgi-bin
            static: []

            """)
        // The plain listener first: HearthProcess waits on it for readiness.
        let site = TLSListenerTests.Site(directory: directory, certificates: certificates)
        try await TLSListenerTests.serving(site) { _, tlsPort in
            let proxy = try await HAProxy.start(forwardingTo: tlsPort, serverOptions: "send-proxy-v2", forwardFor: false, mode: "tcp")
            defer { proxy.stop() }
            let through = try TLSClient.get("/cgi-bin/env", port: proxy.port, caFile: site.ca, extra: ["--interface", "127.0.0.3"])
            #expect(through.status == 0, "\(through.output)")
            for line in ["REMOTE_ADDR=127.0.0.3\n", "HTTPS=on\n", "REQUEST_SCHEME=https\n", "SSL_TLS_SNI=localhost\n", "SSL_PROTOCOL=TLSv1.3\n"] {
                #expect(through.output.contains(line), "\(line) missing: \(through.output)")
            }
            // Straight to the listener, no header: the connection is closed
            // before any handshake (curl fails), never served as 127.0.0.1.
            let direct = try TLSClient.get("/cgi-bin/env", port: tlsPort, caFile: site.ca)
            #expect(direct.status != 0 && !direct.output.contains("REMOTE_ADDR="), "\(direct.output)")
        }
    }
}
