import Foundation
import HearthCGI
import HearthHTTP
import HearthPublisher
import HearthTLS
import HearthTesting
import HearthWeb
import Testing

/// Issue 25, item 3: a hot handler, in the server's own process, over
/// HTTP/2: the real server with a TLS listener (ALPN) and a plain one
/// with `h2c`, real curl, and a raw client for split cookies.
@Suite struct HTTP2HotTests {
    static let echo = HandlerFunction { request in
        .text(request.variables.pairs.map { "\($0.name)=\($0.value)\n" }.joined())
    }

    struct Pair: Decodable, Sendable {
        var a: Int
        var b: Int
    }

    /// docs/publisher.md's `sum`, published for POST.
    static func publisher() throws -> Publisher {
        var numbers = PublishedObject()
        try numbers.publish("sum", methods: [.post]) { (pair: Pair) in ["sum": pair.a + pair.b] }
        var publisher = Publisher(logger: TestLog.logger("hearth.publisher"))
        try publisher.publish("numbers", numbers)
        return publisher
    }

    /// The server on one listener: TLS, or plain with `h2c`.
    static func start(in directory: TemporaryDirectory, tls: Bool, handler: some HearthHandler = echo, mountedAt mount: String = "/hot") async throws -> LiveServer {
        var configuration = HTTPServerConfiguration()
        var listener = HTTPListener(host: "127.0.0.1", port: 0, tls: tls)
        listener.h2c = !tls
        configuration.listeners = [listener]
        var security: [Int: any ListenerSecurity] = [:]
        let logger = TestLog.logger("hearth.http2")
        if tls {
            let files = try TestCertificates(in: directory.path).leaf("site", host: "localhost", serial: "3003")
            let store = try TLSCertificateStore(TLSListenerConfiguration(certificates: [TLSCertificateFiles(certificate: files.certificate, key: files.key)]))
            security[0] = TLSListenerSecurity(store: store, logger: logger)
        }
        let responder = HandlerResponder(handler: handler, mountedAt: mount, server: CGIServer(software: "test", documentRoot: "/"), logger: logger)
        return try await LiveServer.start(HTTPServer(configuration: configuration, responder: responder, logger: logger, security: security))
    }

    @Test("a hot handler over HTTP/2 (ALPN): SERVER_PROTOCOL=HTTP/2.0, HTTPS and the SSL_* variables, Host from :authority")
    func hotHandlerOverTLS() async throws {
        let directory = try TemporaryDirectory()
        let server = try await Self.start(in: directory, tls: true)
        let port = server.port
        let answer = try HTTP2Tests.curl(["--http2", "--cacert", directory.path + "/ca.pem", "--resolve", "localhost:\(port):127.0.0.1", "https://localhost:\(port)/hot"])
        try await server.stop()
        #expect(answer.version == "2" && answer.status == "200", "\(answer)")
        for line in ["SERVER_PROTOCOL=HTTP/2.0", "HTTPS=on", "SSL_PROTOCOL=TLSv1.3", "HTTP_HOST=localhost:\(port)"] {
            #expect(answer.body.contains(line), "\(line) missing: \(answer.body)")
        }
    }

    @Test("the publisher over HTTP/2 (h2c): a form body bound to a function's arguments; a GET of a POST-only function is 405, an unknown path 404")
    func publisherOverHTTP2() async throws {
        let directory = try TemporaryDirectory()
        let server = try await Self.start(in: directory, tls: false, handler: try Self.publisher(), mountedAt: "/api")
        let url = "http://127.0.0.1:\(server.port)/api/numbers"
        let sum = try HTTP2Tests.curl(["--http2-prior-knowledge", "--data", "a=2&b=40", url + "/sum"])
        let wrongMethod = try HTTP2Tests.curl(["--http2-prior-knowledge", url + "/sum"])
        let unknown = try HTTP2Tests.curl(["--http2-prior-knowledge", url + "/product"])
        try await server.stop()
        #expect(sum.version == "2" && sum.status == "200" && sum.body.contains(#""sum":42"#), "\(sum)")
        #expect(wrongMethod.version == "2" && wrongMethod.status == "405", "\(wrongMethod)")
        #expect(unknown.version == "2" && unknown.status == "404", "\(unknown)")
    }

    @Test("cookies a client splits into fields (RFC 9113 §8.2.3) reach the handler as one HTTP_COOKIE joined with \"; \"; :authority wins over a Host field")
    func splitCookies() async throws {
        let directory = try TemporaryDirectory()
        let server = try await Self.start(in: directory, tls: false)
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        _ = try await connection.openHTTP2()
        // A Host beside :authority is dropped: :authority names the site.
        let fields = RawHTTP2.get("/hot", authority: "site.example") + [("host", "other.example"), ("cookie", "a=1"), ("cookie", "b=2")]
        try await connection.send(RawHTTP2.headers(stream: 1, fields))
        let body = await connection.readBody(stream: 1)
        try await server.stop()
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains("HTTP_COOKIE=a=1; b=2\n") && text.contains("SERVER_PROTOCOL=HTTP/2.0"), "\(text)")
        #expect(text.contains("HTTP_HOST=site.example\n") && !text.contains("other.example"), "\(text)")
    }
}
