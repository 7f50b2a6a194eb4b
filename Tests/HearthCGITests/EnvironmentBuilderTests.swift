import HearthCGI
import Testing

/// One clause of RFC 3875 §4.1–§4.2 (or an Apache extra), as data: the
/// request facts that differ from the fixture, and the variables expected
/// (`nil`: must be unset).
struct EnvironmentCase: Sendable, CustomTestStringConvertible {
    let name: String
    var request = Fixture.request
    var script = Fixture.script
    var body = CGIBodyLength.none
    var connection = Fixture.connection
    var server = Fixture.server
    var authentication: CGIAuthentication? = nil
    let expected: [String: String?]

    var testDescription: String { name }
}

private let withExtraPath = CGIScript(scriptName: "/cgi-bin/hello.sh", pathInfo: "/extra info", filePath: "/srv/cgi-bin/hello.sh")
private let basic = CGIAuthentication(type: "Basic", user: "alice")

let environmentCases: [EnvironmentCase] = [
    .init(name: "§4.1.1 AUTH_TYPE is the scheme the server authenticated with", authentication: basic, expected: ["AUTH_TYPE": "Basic"]),
    .init(name: "§4.1.1 AUTH_TYPE is unset when the server did not authenticate", expected: ["AUTH_TYPE": nil]),
    .init(name: "§4.1.2 CONTENT_LENGTH is the body length", body: .exactly(11), expected: ["CONTENT_LENGTH": "11"]),
    .init(name: "§4.1.2 CONTENT_LENGTH is \"0\" for an empty body", body: .exactly(0), expected: ["CONTENT_LENGTH": "0"]),
    .init(
        name: "§4.1.2 CONTENT_LENGTH is unset without a body, whatever the headers say",
        request: Fixture.request(headers: [("Content-Length", "5"), ("Content-Type", "text/plain")]),
        expected: ["CONTENT_LENGTH": nil, "HTTP_CONTENT_LENGTH": nil, "HTTP_CONTENT_TYPE": nil]
    ),
    .init(
        name: "§4.1.3 CONTENT_TYPE MUST be set whenever the request has a Content-Type, body or not",
        request: Fixture.request(headers: [("Content-Type", "text/plain")]),
        expected: ["CONTENT_TYPE": "text/plain", "CONTENT_LENGTH": nil]
    ),
    .init(
        name: "§4.2 CONTENT_LENGTH is the length after transfer-codings were removed",
        request: Fixture.request(method: "POST", headers: [("Transfer-Encoding", "chunked")]), body: .exactly(5),
        expected: ["CONTENT_LENGTH": "5", "HTTP_TRANSFER_ENCODING": nil]
    ),
    .init(
        name: "§4.1.3 CONTENT_TYPE is the request's Content-Type when there is a body",
        request: Fixture.request(method: "POST", headers: [("content-type", "application/x-www-form-urlencoded; charset=UTF-8")]),
        body: .exactly(3),
        expected: ["CONTENT_TYPE": "application/x-www-form-urlencoded; charset=UTF-8", "HTTP_CONTENT_TYPE": nil]
    ),
    .init(
        name: "§4.1.3 CONTENT_TYPE is unset, not guessed, when the request has none",
        request: Fixture.request(method: "POST", headers: []), body: .exactly(3),
        expected: ["CONTENT_TYPE": nil, "CONTENT_LENGTH": "3"]
    ),
    .init(name: "§4.1.4 GATEWAY_INTERFACE is CGI/1.1", expected: ["GATEWAY_INTERFACE": "CGI/1.1"]),
    .init(name: "§4.1.5 PATH_INFO is the decoded extra path", script: withExtraPath, expected: ["PATH_INFO": "/extra info"]),
    .init(name: "§4.1.5 PATH_INFO is unset without an extra path", expected: ["PATH_INFO": nil]),
    .init(
        name: "§4.1.5 PATH_INFO \"/\" is a single void segment",
        script: CGIScript(scriptName: "/cgi-bin/hello.sh", pathInfo: "/", filePath: "/srv/cgi-bin/hello.sh"),
        expected: ["PATH_INFO": "/", "PATH_TRANSLATED": "/srv/www/"]
    ),
    .init(name: "§4.1.6 PATH_TRANSLATED maps PATH_INFO onto the document root", script: withExtraPath, expected: ["PATH_TRANSLATED": "/srv/www/extra info"]),
    .init(
        name: "§4.1.6 PATH_TRANSLATED has one slash when the root ends in one",
        script: withExtraPath, server: CGIServer(software: "Hearth/0.1", documentRoot: "/srv/www/"),
        expected: ["PATH_TRANSLATED": "/srv/www/extra info"]
    ),
    .init(name: "§4.1.6 PATH_TRANSLATED is unset when PATH_INFO is NULL", expected: ["PATH_TRANSLATED": nil]),
    .init(
        name: "§4.1.7 QUERY_STRING is the query as sent, still encoded",
        request: Fixture.request("/cgi-bin/hello.sh?a=1&b=%20c+d?e", headers: []),
        expected: ["QUERY_STRING": "a=1&b=%20c+d?e"]
    ),
    .init(
        name: "§4.1.7 QUERY_STRING starts after the first \"?\" byte, even before a combining mark",
        request: Fixture.request("/cgi-bin/hello.sh?\u{301}a", headers: []), expected: ["QUERY_STRING": "\u{301}a"]
    ),
    .init(name: "§4.1.7 QUERY_STRING is empty, not unset, without a query", expected: ["QUERY_STRING": ""]),
    .init(name: "§4.1.7 QUERY_STRING is empty for a bare \"?\"", request: Fixture.request("/cgi-bin/hello.sh?", headers: []), expected: ["QUERY_STRING": ""]),
    .init(name: "§4.1.8 REMOTE_ADDR is the client's address", expected: ["REMOTE_ADDR": "192.0.2.7"]),
    .init(
        name: "§4.1.8 REMOTE_ADDR is an IPv6 address unbracketed",
        connection: CGIConnection(remoteAddress: "2001:db8::7", remotePort: 1, localAddress: "2001:db8::1", localPort: 80),
        expected: ["REMOTE_ADDR": "2001:db8::7"]
    ),
    .init(name: "§4.1.9 REMOTE_HOST substitutes REMOTE_ADDR", expected: ["REMOTE_HOST": "192.0.2.7"]),
    .init(name: "§4.1.10 REMOTE_IDENT is not supported, so unset", expected: ["REMOTE_IDENT": nil]),
    .init(name: "§4.1.11 REMOTE_USER is the user the server authenticated", authentication: basic, expected: ["REMOTE_USER": "alice"]),
    .init(name: "§4.1.11 REMOTE_USER is unset without authentication", expected: ["REMOTE_USER": nil]),
    .init(name: "§4.1.12 REQUEST_METHOD keeps the method's case", request: Fixture.request(method: "PaTcH", headers: []), expected: ["REQUEST_METHOD": "PaTcH"]),
    .init(name: "§4.1.13 SCRIPT_NAME names the script without PATH_INFO", script: withExtraPath, expected: ["SCRIPT_NAME": "/cgi-bin/hello.sh"]),
    .init(name: "§4.1.14 SERVER_NAME is the Host header without its port", request: Fixture.request(headers: [("HOST", "Example.COM:8080")]), expected: ["SERVER_NAME": "Example.COM"]),
    .init(name: "§4.1.14 SERVER_NAME keeps the brackets of an IPv6 Host", request: Fixture.request(headers: [("Host", "[2001:db8::1]:8080")]), expected: ["SERVER_NAME": "[2001:db8::1]"]),
    .init(name: "§4.1.14 SERVER_NAME is the local address without a Host header", request: Fixture.request(headers: []), expected: ["SERVER_NAME": "198.51.100.1"]),
    .init(
        name: "§4.1.14 SERVER_NAME brackets a local IPv6 address",
        request: Fixture.request(headers: []),
        connection: CGIConnection(remoteAddress: "::1", remotePort: 1, localAddress: "::1", localPort: 80),
        expected: ["SERVER_NAME": "[::1]"]
    ),
    .init(
        name: "§4.1.15 SERVER_PORT is set even for the scheme's default port",
        connection: CGIConnection(remoteAddress: "192.0.2.7", remotePort: 1, localAddress: "198.51.100.1", localPort: 80),
        expected: ["SERVER_PORT": "80"]
    ),
    .init(
        name: "§4.1.16 SERVER_PROTOCOL is the request's HTTP version",
        request: CGIRequestHead(method: "GET", target: "/cgi-bin/hello.sh", httpVersion: "HTTP/1.0", headers: []),
        expected: ["SERVER_PROTOCOL": "HTTP/1.0"]
    ),
    .init(name: "§4.1.17 SERVER_SOFTWARE names the server", expected: ["SERVER_SOFTWARE": "Hearth/0.1"]),
    .init(
        name: "§4.1.18 a header becomes HTTP_ + upper case with \"-\" as \"_\"",
        request: Fixture.request(headers: [("accept-Language", "fr")]), expected: ["HTTP_ACCEPT_LANGUAGE": "fr"]
    ),
    .init(name: "§4.1.18 Host is exported as HTTP_HOST", expected: ["HTTP_HOST": "example.com"]),
    .init(
        name: "§4.1.18 Authorization is removed by default",
        request: Fixture.request(headers: [("Authorization", "Basic YTpi")]), expected: ["HTTP_AUTHORIZATION": nil]
    ),
    .init(
        name: "§4.1.18 Connection, a client-side header, is removed",
        request: Fixture.request(headers: [("Connection", "keep-alive")]), expected: ["HTTP_CONNECTION": nil]
    ),
    .init(name: "DOCUMENT_ROOT (Apache) is the server's document root", expected: ["DOCUMENT_ROOT": "/srv/www"]),
    .init(
        name: "REQUEST_URI (Apache) is the raw target with its query",
        request: Fixture.request("/cgi-bin/hello.sh/x%20y?q=%41", headers: []), expected: ["REQUEST_URI": "/cgi-bin/hello.sh/x%20y?q=%41"]
    ),
    .init(name: "SCRIPT_FILENAME (Apache) is the file executed", expected: ["SCRIPT_FILENAME": "/srv/cgi-bin/hello.sh"]),
    .init(
        name: "REQUEST_SCHEME (Apache) is https over TLS",
        connection: CGIConnection(remoteAddress: "192.0.2.7", remotePort: 1, localAddress: "198.51.100.1", localPort: 443, scheme: "https"),
        expected: ["REQUEST_SCHEME": "https", "SERVER_PORT": "443"]
    ),
    .init(name: "REQUEST_SCHEME (Apache) is http by default", expected: ["REQUEST_SCHEME": "http"]),
    .init(name: "REMOTE_PORT (Apache) is the client's port", expected: ["REMOTE_PORT": "51234"]),
    .init(name: "SERVER_ADDR (Apache) is the local address", expected: ["SERVER_ADDR": "198.51.100.1"]),
]

@Suite("CGIEnvironmentBuilder")
struct EnvironmentBuilderTests {
    @Test(arguments: environmentCases)
    func metaVariable(_ example: EnvironmentCase) {
        let env = Fixture.environment(
            request: example.request, script: example.script, body: example.body,
            connection: example.connection, server: example.server, authentication: example.authentication
        )
        for (name, value) in example.expected {
            #expect(env[name] == value, "\(name)")
        }
    }

    @Test(arguments: [
        ("/a?b=1", "/a", "b=1"), ("/a", "/a", ""), ("/a?", "/a", ""), ("/a?b?c", "/a", "b?c"), ("/a%3Fb", "/a%3Fb", ""),
        ("/a?\u{301}b", "/a", "\u{301}b"),
    ])
    func theTargetSplitsAtTheFirstQuestionMark(_ target: String, _ path: String, _ query: String) {
        let request = Fixture.request(target, headers: [])
        #expect(request.rawPath == path)
        #expect(request.queryString == query)
    }

    @Test func anOrdinaryGETGetsExactlyTheseVariables() {
        let env = Fixture.environment()
        let expected: Set = [
            "PATH", "GATEWAY_INTERFACE", "SERVER_SOFTWARE", "SERVER_PROTOCOL", "SERVER_NAME", "SERVER_PORT",
            "SERVER_ADDR", "REQUEST_METHOD", "REQUEST_SCHEME", "REQUEST_URI", "QUERY_STRING", "SCRIPT_NAME",
            "SCRIPT_FILENAME", "DOCUMENT_ROOT", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT", "HTTP_HOST",
        ]
        #expect(Set(env.keys) == expected)
    }

    @Test func nothingOfTheServersOwnEnvironmentLeaksIn() {
        let env = Fixture.environment(policy: CGIEnvironmentPolicy(baseVariables: [("PATH", "/bin")]))
        #expect(env["PATH"] == "/bin")
        for name in ["HOME", "USER", "PWD", "SHELL", "LD_PRELOAD", "LANG"] {
            #expect(env[name] == nil, "\(name)")
        }
    }

    @Test func baseVariablesComeFromThePolicy() {
        let policy = CGIEnvironmentPolicy(baseVariables: [("PATH", "/opt/bin"), ("LANG", "C.UTF-8")])
        let env = Fixture.environment(policy: policy)
        #expect(env["PATH"] == "/opt/bin")
        #expect(env["LANG"] == "C.UTF-8")
    }

    @Test func theDefaultPolicyGivesAPlainPATH() {
        #expect(Fixture.environment()["PATH"] == "/usr/local/bin:/usr/bin:/bin")
    }

    @Test func namesAreUniqueIgnoringCase() {
        let request = Fixture.request(headers: [("Accept", "a"), ("ACCEPT", "b"), ("accept", "c")])
        let variables = CGIEnvironmentBuilder.build(
            request: request, script: Fixture.script, body: .exactly(1), connection: Fixture.connection,
            server: Fixture.server, policy: CGIEnvironmentPolicy(baseVariables: [("path", "/bin"), ("PATH", "/usr/bin")]),
            extra: [("gateway_interface", "CGI/1.1"), ("X_HEARTH", "1"), ("x_hearth", "2")]
        )
        let names = variables.map { $0.name.uppercased() }
        #expect(names.count == Set(names).count)
        let env = Dictionary(variables.map { ($0.name.uppercased(), $0.value) }, uniquingKeysWith: { $1 })
        #expect(env["PATH"] == "/usr/bin")
        #expect(env["X_HEARTH"] == "2")
        #expect(env["HTTP_ACCEPT"] == "a, b, c")
    }

    @Test func extraVariablesAreAddedAndMayOverride() {
        let variables = CGIEnvironmentBuilder.build(
            request: Fixture.request, script: Fixture.script, body: .none, connection: Fixture.connection,
            server: Fixture.server, extra: [("X_MOUNT", "/cgi-bin"), ("SERVER_SOFTWARE", "Custom/2")]
        )
        #expect(variables.contains { $0 == ("X_MOUNT", "/cgi-bin") })
        #expect(variables.filter { $0.name == "SERVER_SOFTWARE" }.map(\.value) == ["Custom/2"])
    }

    @Test func headerVariablesKeepTheOrderTheHeadersArrivedIn() {
        let variables = CGIEnvironmentBuilder.build(
            request: Fixture.request(headers: [("Host", "h"), ("X-B", "1"), ("X-A", "2"), ("x-b", "3")]), script: Fixture.script,
            body: .none, connection: Fixture.connection, server: Fixture.server
        )
        let http = variables.filter { $0.name.hasPrefix("HTTP_") }.map { "\($0.name)=\($0.value)" }
        #expect(http == ["HTTP_HOST=h", "HTTP_X_B=1, 3", "HTTP_X_A=2"])
    }
}
