import HearthHTTP
import HearthTesting
import Testing

/// RFC 9112 §3.2 (an invalid Host is 400) and §7.1 (chunked framing), at
/// the server's one door: Hearth 6434200 answered `Host: a b` with 200 and
/// read endless chunk-extension bytes (7.6 GB in 10 s) without counting
/// them anywhere.
@Suite struct RequestFramingLimitTests {
    @Test(arguments: [
        "a b", "a/b", "u@x", "x:99999999", "a b/../c;$(id)", "x:-1", "[::1", "[zz]", "x:8080:1", "ex ample.org:80", "",
    ])
    func anInvalidHostIsRefused(_ host: String) async throws {
        let log = LogCapture()
        let server = try await LiveServer.start(responder: TextResponder(), logger: log.logger())
        let response = try await rawRequest("GET / HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n", port: server.port)
        try await server.stop()
        #expect(response.status == 400)
        #expect(log.records.contains { $0.metadata["status"] == "400" && ($0.message.contains("Host") || $0.message.contains("host")) })
    }

    @Test(arguments: ["example.org", "example.org:8080", "127.0.0.1", "127.0.0.1:65535", "[::1]", "[::1]:80", "under_score.local", "x:"])
    func aValidHostIsServed(_ host: String) async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let response = try await rawRequest("GET / HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n", port: server.port)
        try await server.stop()
        #expect(response.status == 200)
    }

    /// The authority of an absolute-form target replaces Host (RFC 9112
    /// §3.2.2) and is checked by the same rule: a userinfo is no host.
    @Test(arguments: ["http://user:pw@evil.example/x", "http://a b/x", "http://evil.example:99999/x"])
    func anInvalidAuthorityInAnAbsoluteTargetIsRefused(_ target: String) async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let response = try await rawRequest("GET \(target) HTTP/1.1\r\nHost: good.example\r\nConnection: close\r\n\r\n", port: server.port)
        try await server.stop()
        #expect(response.status == 400)
    }

    /// A chunk-size line that never ends (CVE-2024-22019) is refused once it
    /// passes 16 KiB, with 400 and the connection closed.
    @Test(arguments: [
        ("extension", "5;" + String(repeating: "a", count: 40_000)),
        ("leading zeros", String(repeating: "0", count: 40_000) + "5"),
    ])
    func anEndlessChunkLineIsRefused(_ name: String, _ line: String) async throws {
        let log = LogCapture()
        let server = try await LiveServer.start(responder: EchoResponder(), logger: log.logger())
        let client = try RawConnection(port: server.port)
        try await client.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + line)
        let text = await textUntilClose(client)
        try await expectServesNewConnection(server)
        try await server.stop()
        #expect(text.hasPrefix("HTTP/1.1 400 "), "\(name): \(text.prefix(80))")
        #expect(text.contains("Connection: close"))
        #expect(log.records.contains { $0.message.contains("request framing") }, "the log says what was wrong")
    }

    /// Framing that makes progress is not limited: ten thousand one-byte
    /// chunks (60 KB of framing for 10 KB of body) are read whole.
    @Test func manySmallChunksAreNoEndlessLine() async throws {
        let server = try await LiveServer.start(responder: EchoResponder())
        let body = String(repeating: "1\r\nz\r\n", count: 10_000) + "0\r\n\r\n"
        let response = try await rawRequest("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body, port: server.port)
        try await server.stop()
        #expect(response.status == 200)
        #expect(response.body.count == 10_000)
    }
}
