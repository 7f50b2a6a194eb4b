import HTTPTypes
import HearthWeb
import Testing

struct CookieParseCase: Sendable, CustomTestStringConvertible {
    let name: String
    let fields: [String]
    let pairs: [String]
    var testDescription: String { name }
}

let cookieParseCases: [CookieParseCase] = [
    .init(name: "RFC 6265 §4.2.1: name=value pairs joined by \"; \"", fields: ["a=1; b=2"], pairs: ["a=1", "b=2"]),
    .init(name: "several Cookie fields are read in order", fields: ["a=1", "b=2; c=3"], pairs: ["a=1", "b=2", "c=3"]),
    .init(name: "§4.1.1: a quoted value loses its quotes", fields: ["q=\"x y\"; r=\"\""], pairs: ["q=x y", "r="]),
    .init(name: "an empty value", fields: ["a=; b=2"], pairs: ["a=", "b=2"]),
    .init(name: "a pair without = is skipped", fields: ["junk; a=1"], pairs: ["a=1"]),
    .init(name: "an empty or non-token name is skipped", fields: ["=1; a b=2; (x)=3; ok=4"], pairs: ["ok=4"]),
    .init(name: "a value with a control byte or backslash is skipped", fields: ["a=x\ty; b=c\\d; c=3"], pairs: ["c=3"]),
    .init(name: "only the first = splits (base64 padding)", fields: ["t=YWI=; u=a=b"], pairs: ["t=YWI=", "u=a=b"]),
    .init(name: "optional whitespace around pairs, no space after ;", fields: ["  a=1 ;b=2  "], pairs: ["a=1", "b=2"]),
    .init(name: "repeated names are all kept, in order", fields: ["s=path-specific; s=general"], pairs: ["s=path-specific", "s=general"]),
    .init(name: "no Cookie field at all", fields: [], pairs: []),
]

@Suite("Cookies")
struct CookieTests {
    @Test(arguments: cookieParseCases)
    func parse(_ example: CookieParseCase) {
        var fields = HTTPFields()
        for value in example.fields { fields.append(HTTPField(name: .cookie, value: value)) }
        let cookies = makeRequest(method: .get, extraFields: fields).cookies
        #expect(cookies.map { "\($0.name)=\($0.value)" } == example.pairs)
    }

    @Test func theFirstOfARepeatedNameIsTheOneMeant() {
        let cookies = HearthCookies.parse(["s=specific; s=general"])
        #expect(cookies["s"] == "specific")
        #expect(cookies.values("s") == ["specific", "general"])
        #expect(cookies["missing"] == nil)
    }

    @Test(arguments: [
        (SetCookie(name: "sid", value: "abc"), "sid=abc; Path=/; HttpOnly; SameSite=Lax"),
        (SetCookie(name: "a", value: "1", path: nil, httpOnly: false, sameSite: nil), "a=1"),
        (SetCookie(name: "a", value: "1", expires: 784_111_777), "a=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Path=/; HttpOnly; SameSite=Lax"),
        (SetCookie(name: "a", value: "1", expires: 951_782_400, path: nil, httpOnly: false, sameSite: nil), "a=1; Expires=Tue, 29 Feb 2000 00:00:00 GMT"),
        (SetCookie(name: "a", value: "1", maxAge: 3600, domain: "example.com", path: "/app", secure: true, sameSite: .strict),
         "a=1; Max-Age=3600; Domain=example.com; Path=/app; Secure; HttpOnly; SameSite=Strict"),
        (SetCookie(name: "x", value: "", secure: true, sameSite: SetCookie.SameSite.none), "x=; Path=/; Secure; HttpOnly; SameSite=None"),
        (SetCookie(name: "__Host-id", value: "1", secure: true), "__Host-id=1; Path=/; Secure; HttpOnly; SameSite=Lax"),
        (SetCookie(name: "embed", value: "1", secure: true, sameSite: SetCookie.SameSite.none, partitioned: true),
         "embed=1; Path=/; Secure; HttpOnly; SameSite=None; Partitioned"),
        (SetCookie.removal(name: "sid"), "sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"),
    ] as [(SetCookie, String)])
    func serialize(_ cookie: SetCookie, _ expected: String) throws {
        #expect(try cookie.serialized() == expected)
    }

    @Test(arguments: [
        (SetCookie(name: "", value: "1"), "the name must be a token (RFC 6265 §4.1.1)"),
        (SetCookie(name: "a b", value: "1"), "the name must be a token (RFC 6265 §4.1.1)"),
        (SetCookie(name: "a", value: "x;y"), "the value has a byte outside cookie-octet (RFC 6265 §4.1.1); encode it"),
        (SetCookie(name: "a", value: "caf\u{e9}"), "the value has a byte outside cookie-octet (RFC 6265 §4.1.1); encode it"),
        (SetCookie(name: "a", value: "1", maxAge: -1), "Max-Age must not be negative; use 0 to remove the cookie"),
        (SetCookie(name: "a", value: "1", expires: -5), "Expires must be between 1970 and 9999"),
        (SetCookie(name: "a", value: "1", domain: "evil.com; Secure"), "the Domain must be a host name (RFC 6265 §4.1.2.3)"),
        (SetCookie(name: "a", value: "1", path: "/a;b"), "the Path must start with / and hold no CTL or ; (RFC 6265 §4.1.1)"),
        (SetCookie(name: "a", value: "1", path: "app"), "the Path must start with / and hold no CTL or ; (RFC 6265 §4.1.1)"),
        (SetCookie(name: "a", value: "1", sameSite: SetCookie.SameSite.none), "SameSite=None requires Secure"),
        (SetCookie(name: "__Secure-a", value: "1"), "a __Secure- cookie requires Secure"),
        (SetCookie(name: "a", value: "1", partitioned: true), "Partitioned requires Secure"),
        (SetCookie(name: "__Host-a", value: "1", domain: "example.com", secure: true), "a __Host- cookie requires Secure, Path=/ and no Domain"),
    ] as [(SetCookie, String)])
    func invalidCookiesThrow(_ cookie: SetCookie, _ reason: String) {
        var response = HearthResponse()
        #expect(throws: SetCookieError(reason: "cookie \"\(cookie.name)\": \(reason)")) { try response.setCookie(cookie) }
        #expect(response.headerFields[.setCookie] == nil)
    }

    @Test func eachCookieIsItsOwnSetCookieField() throws {
        var response = HearthResponse.text("hi")
        try response.setCookie(SetCookie(name: "a", value: "1", expires: 784_111_777))
        try response.setCookie(SetCookie(name: "b", value: "2"))
        #expect(response.headerFields[values: .setCookie].count == 2)
    }

    @Test func overTLSTheCookieIsSecure() throws {
        var response = HearthResponse()
        try response.setCookie(SetCookie(name: "a", value: "1"), for: makeRequest(variables: [("HTTPS", "on")]))
        try response.setCookie(SetCookie(name: "b", value: "1"), for: makeRequest())
        #expect(response.headerFields[values: .setCookie] == ["a=1; Path=/; Secure; HttpOnly; SameSite=Lax", "b=1; Path=/; HttpOnly; SameSite=Lax"])
    }
}
