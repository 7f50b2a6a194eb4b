import HearthCGI
import Testing

/// One SECURITY.md request→script rule or §4.1.18 mapping rule: the request
/// headers, the policy, and the HTTP_* variables expected (`nil`: unset).
struct HeaderCase: Sendable, CustomTestStringConvertible {
    let name: String
    let headers: [Header]
    var policy = CGIEnvironmentPolicy()
    var authenticated = false
    let expected: [String: String?]

    struct Header: Sendable {
        let name: String
        let value: String
    }

    init(_ name: String, _ headers: [(String, String)], policy: CGIEnvironmentPolicy = .init(), authenticated: Bool = false, expected: [String: String?]) {
        self.name = name
        self.headers = headers.map { Header(name: $0.0, value: $0.1) }
        self.policy = policy
        self.authenticated = authenticated
        self.expected = expected
    }

    var testDescription: String { name }
}

private let passAuth = CGIEnvironmentPolicy(passAuthorization: true)

let headerCases: [HeaderCase] = [
    .init("httpoxy CVE-2016-5385: a Proxy header never becomes HTTP_PROXY", [("Proxy", "http://evil:3128")], expected: ["HTTP_PROXY": nil]),
    .init("httpoxy CVE-2016-5385: in any case", [("PROXY", "http://evil:3128"), ("proxy", "http://evil")], expected: ["HTTP_PROXY": nil]),
    .init(
        "spoofing: X_Forwarded_For is dropped while X-Forwarded-For is kept",
        [("X-Forwarded-For", "203.0.113.1"), ("X_Forwarded_For", "6.6.6.6")],
        expected: ["HTTP_X_FORWARDED_FOR": "203.0.113.1"]
    ),
    .init("spoofing: X_Forwarded_For alone exports nothing", [("X_Forwarded_For", "6.6.6.6")], expected: ["HTTP_X_FORWARDED_FOR": nil]),
    .init(
        "names outside [A-Za-z0-9-] are dropped",
        [("X.Dot", "1"), ("X Space", "2"), ("Caf\u{e9}", "3"), ("X+Plus", "4"), ("X\u{0}Nul", "5")],
        expected: ["HTTP_X_DOT": nil, "HTTP_X_SPACE": nil, "HTTP_CAF\u{c9}": nil, "HTTP_X+PLUS": nil]
    ),
    .init("§4.1.18 digits and dashes map to HTTP_ names", [("x-request-id2", "abc")], expected: ["HTTP_X_REQUEST_ID2": "abc"]),
    .init("§4.1.18 Authorization is hidden by default", [("Authorization", "Basic YTpi")], expected: ["HTTP_AUTHORIZATION": nil]),
    .init(
        "§4.1.18 Authorization is passed when the mount opts in (CGIPassAuth)",
        [("authorization", "Bearer t0ken")], policy: passAuth, expected: ["HTTP_AUTHORIZATION": "Bearer t0ken"]
    ),
    .init(
        "§4.1.18 Authorization is never passed when the server authenticated",
        [("Authorization", "Basic YTpi")], policy: passAuth, authenticated: true, expected: ["HTTP_AUTHORIZATION": nil]
    ),
    .init(
        "§4.1.18 Proxy-Authorization is hidden, even when Authorization is passed",
        [("Proxy-Authorization", "Basic YTpi"), ("Authorization", "Basic Yjpj")], policy: passAuth,
        expected: ["HTTP_PROXY_AUTHORIZATION": nil, "HTTP_AUTHORIZATION": "Basic Yjpj"]
    ),
    .init(
        "§4.1.18 Content-Length and Content-Type are not duplicated as HTTP_*",
        [("Content-Length", "3"), ("Content-Type", "text/plain")],
        expected: ["HTTP_CONTENT_LENGTH": nil, "HTTP_CONTENT_TYPE": nil]
    ),
    .init(
        "§4.1.18 hop-by-hop headers are removed",
        [("Connection", "close"), ("Keep-Alive", "5"), ("TE", "trailers"), ("Trailer", "X"), ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c")],
        expected: [
            "HTTP_CONNECTION": nil, "HTTP_KEEP_ALIVE": nil, "HTTP_TE": nil, "HTTP_TRAILER": nil,
            "HTTP_TRANSFER_ENCODING": nil, "HTTP_UPGRADE": nil,
        ]
    ),
    .init(
        "§4.1.18 repeated fields are joined with \", \" in arrival order",
        [("Accept", "text/html"), ("X-Other", "1"), ("accept", "*/*")], expected: ["HTTP_ACCEPT": "text/html, */*"]
    ),
    .init(
        "§4.1.18 repeated Cookie fields are joined with \"; \" (RFC 6265 §5.4)",
        [("Cookie", "a=1"), ("cookie", "b=2")], expected: ["HTTP_COOKIE": "a=1; b=2"]
    ),
    .init(
        "§4.1.18 CR and LF become spaces: a value is one line",
        [("X-Split", "a\r\nX-Evil: 1"), ("X-Lf", "b\nc")], expected: ["HTTP_X_SPLIT": "a  X-Evil: 1", "HTTP_X_LF": "b c"]
    ),
    .init("NUL never reaches the environment", [("X-Nul", "a\u{0}b")], expected: ["HTTP_X_NUL": "a b"]),
    .init(
        "Shellshock CVE-2014-6271: a value at the size cap is kept",
        [("X-Long", "12345678")], policy: .init(maxHeaderValueLength: 8), expected: ["HTTP_X_LONG": "12345678"]
    ),
    .init(
        "Shellshock CVE-2014-6271: a value over the size cap is dropped",
        [("X-Long", "123456789")], policy: .init(maxHeaderValueLength: 8), expected: ["HTTP_X_LONG": nil]
    ),
    .init(
        "the size cap counts bytes, not characters",
        [("X-Long", "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}")], policy: .init(maxHeaderValueLength: 8), expected: ["HTTP_X_LONG": nil]
    ),
    .init(
        "an over-long repeat is dropped, the short one kept",
        [("X-Tag", "ok"), ("X-Tag", "far too long")], policy: .init(maxHeaderValueLength: 8), expected: ["HTTP_X_TAG": "ok"]
    ),
]

@Suite("HTTP_* header variables")
struct HeaderVariableTests {
    @Test(arguments: headerCases)
    func headerRule(_ example: HeaderCase) {
        let env = Fixture.environment(
            request: Fixture.request(headers: example.headers.map { ($0.name, $0.value) }),
            policy: example.policy,
            authentication: example.authenticated ? CGIAuthentication(type: "Basic", user: "alice") : nil
        )
        for (name, value) in example.expected {
            #expect(env[name] == value, "\(name)")
        }
    }

    @Test(arguments: headerCases)
    func onlyWellFormedNamesAreExported(_ example: HeaderCase) {
        let env = Fixture.environment(request: Fixture.request(headers: example.headers.map { ($0.name, $0.value) }), policy: example.policy)
        for name in env.keys where name.hasPrefix("HTTP_") {
            #expect(name.utf8.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }, "\(name)")
        }
    }

    @Test func noValueEverCarriesCRLFOrNUL() {
        let hostile = "x\r\ny\rz\n\u{0}w"
        let request = Fixture.request(headers: [("X-A", hostile), ("Cookie", hostile), ("Cookie", hostile), ("Host", hostile)])
        let env = Fixture.environment(request: request)
        for (name, value) in env {
            #expect(!value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }, "\(name)")
        }
        #expect(env["HTTP_X_A"] == "x  y z  w")
    }
}
