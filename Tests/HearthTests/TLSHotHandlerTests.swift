import Foundation
import HearthCGI
import HearthHTTP
import HearthTLS
import HearthTesting
import HearthWeb
import Testing

/// Issue 25: a hot handler, in the server's own process, sees over TLS
/// what a script sees (`HearthRequest.variables`), and the cookie it sets
/// with `setCookie(_:for:)` gets `Secure`. The real server on a TLS
/// listener (HearthTLS filling HearthHTTP's seam), a real `curl`.
@Suite struct TLSHotHandlerTests {
    static let echo = HandlerFunction { request in
        var response = HearthResponse.text(request.variables.pairs.map { "\($0.name)=\($0.value)\n" }.joined())
        try response.setCookie(SetCookie(name: "session", value: "1"), for: request)
        return response
    }

    @Test func aHotHandlerSeesTheSessionAndSetsSecureCookies() async throws {
        let directory = try TemporaryDirectory()
        let certificates = try TestCertificates(in: directory.path)
        let files = try certificates.leaf("site", host: "localhost", serial: "1001")
        let store = try TLSCertificateStore(TLSListenerConfiguration(certificates: [TLSCertificateFiles(certificate: files.certificate, key: files.key)]))
        var configuration = HTTPServerConfiguration()
        configuration.listeners = [HTTPListener(host: "127.0.0.1", port: 0, tls: true)]
        let logger = TestLog.logger("hearth.tls")
        let responder = HandlerResponder(handler: Self.echo, mountedAt: "/hot", server: CGIServer(software: "test", documentRoot: "/"), logger: logger)
        let server = try await LiveServer.start(
            HTTPServer(configuration: configuration, responder: responder, logger: logger, security: [0: TLSListenerSecurity(store: store, logger: logger)])
        )
        let answer = try TLSClient.get("/hot", port: server.port, caFile: directory.path + "/ca.pem")
        try await server.stop()
        for line in ["HTTPS=on", "REQUEST_SCHEME=https", "SSL_PROTOCOL=TLSv1.3", "SSL_CIPHER=TLS_", "SSL_TLS_SNI=localhost"] {
            #expect(answer.output.contains(line), "\(line) missing: \(answer.output)")
        }
        #expect(answer.output.lowercased().contains("set-cookie: session=1;") && answer.output.contains("; Secure"), "\(answer.output)")
    }
}
