import HearthCGI

/// One ordinary request to `/cgi-bin/hello.sh`, and the facts around it; the
/// tables change only what their case is about.
enum Fixture {
    static let request = CGIRequestHead(
        method: "GET",
        target: "/cgi-bin/hello.sh",
        httpVersion: "HTTP/1.1",
        headers: [("Host", "example.com")]
    )
    static let script = CGIScript(scriptName: "/cgi-bin/hello.sh", pathInfo: "", filePath: "/srv/cgi-bin/hello.sh")
    static let connection = CGIConnection(remoteAddress: "192.0.2.7", remotePort: 51234, localAddress: "198.51.100.1", localPort: 8080)
    static let server = CGIServer(software: "Hearth/0.1", documentRoot: "/srv/www")

    static func request(_ target: String = "/cgi-bin/hello.sh", method: String = "GET", headers: [(name: String, value: String)]) -> CGIRequestHead {
        CGIRequestHead(method: method, target: target, httpVersion: "HTTP/1.1", headers: headers)
    }

    /// The environment as a dictionary; names must already be unique.
    static func environment(
        request: CGIRequestHead = Fixture.request,
        script: CGIScript = Fixture.script,
        body: CGIBodyLength = .none,
        connection: CGIConnection = Fixture.connection,
        server: CGIServer = Fixture.server,
        policy: CGIEnvironmentPolicy = CGIEnvironmentPolicy(),
        authentication: CGIAuthentication? = nil
    ) -> [String: String] {
        let variables = CGIEnvironmentBuilder.build(
            request: request, script: script, body: body, connection: connection,
            server: server, policy: policy, authentication: authentication
        )
        return Dictionary(variables.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
