import HTTPTypes

/// A cookie for the client to store (RFC 6265 §4.1), serialized into one
/// `Set-Cookie` field. The defaults are SECURITY.md's: `HttpOnly`,
/// `SameSite=Lax`, `Path=/`; `Secure` is yours to set, or
/// `setCookie(_:for:)` sets it when the request came over TLS.
public struct SetCookie: Sendable, Equatable {
    /// The SameSite attribute (RFC 6265bis §4.1.2.7).
    public enum SameSite: String, Sendable {
        case strict = "Strict", lax = "Lax", none = "None"
    }

    public var name: String
    /// cookie-octets only (§4.1.1): encode anything else (percent or base64url).
    public var value: String
    /// Expires (§4.1.2.1), in seconds since the Unix epoch; sent as IMF-fixdate.
    public var expires: Int?
    /// Max-Age (§4.1.2.2), in seconds; 0 removes the cookie now.
    public var maxAge: Int?
    /// Domain (§4.1.2.3); nil keeps the cookie to this host only.
    public var domain: String?
    /// Path (§4.1.2.4); nil lets the client use the request's directory.
    public var path: String?
    public var secure: Bool
    public var httpOnly: Bool
    public var sameSite: SameSite?
    /// Partitioned (CHIPS, draft-cutler-httpbis-partitioned-cookies §2.1):
    /// a third-party cookie kept per top-level site. Requires Secure.
    public var partitioned: Bool

    public init(
        name: String, value: String, expires: Int? = nil, maxAge: Int? = nil, domain: String? = nil,
        path: String? = "/", secure: Bool = false, httpOnly: Bool = true, sameSite: SameSite? = .lax, partitioned: Bool = false
    ) {
        self.name = name
        self.value = value
        self.expires = expires
        self.maxAge = maxAge
        self.domain = domain
        self.path = path
        self.secure = secure
        self.httpOnly = httpOnly
        self.sameSite = sameSite
        self.partitioned = partitioned
    }

    /// A cookie that removes `name` (§3.1: an expiry in the past): Max-Age=0
    /// and, for clients that predate Max-Age, an Expires at the epoch.
    public static func removal(name: String, path: String? = "/", domain: String? = nil) -> SetCookie {
        SetCookie(name: name, value: "", expires: 0, maxAge: 0, domain: domain, path: path)
    }

    /// The `Set-Cookie` field value, or `SetCookieError` naming what is wrong.
    public func serialized() throws -> String {
        try validate()
        var text = "\(name)=\(value)"
        if let expires { text += "; Expires=\(IMFFixdate.format(expires))" }
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if let domain { text += "; Domain=\(domain)" }
        if let path { text += "; Path=\(path)" }
        if secure { text += "; Secure" }
        if httpOnly { text += "; HttpOnly" }
        if let sameSite { text += "; SameSite=\(sameSite.rawValue)" }
        if partitioned { text += "; Partitioned" }
        return text
    }
}

/// A cookie that cannot be sent as it is: a programmer's mistake, reported
/// as an error rather than a trap because a hot handler shares its process
/// with every other request (a trap would take them all down), and a value
/// often comes from data. Uncaught, it is a 500 with this reason in the log.
public struct SetCookieError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "invalid Set-Cookie: \(reason)" }
}

extension SetCookie {
    func validate() throws {
        func fail(_ reason: String) -> SetCookieError { SetCookieError(reason: "cookie \"\(name)\": \(reason)") }
        guard !name.isEmpty, name.utf8.allSatisfy(CookieGrammar.isToken) else { throw fail("the name must be a token (RFC 6265 §4.1.1)") }
        guard value.utf8.allSatisfy(CookieGrammar.isCookieOctet) else { throw fail("the value has a byte outside cookie-octet (RFC 6265 §4.1.1); encode it") }
        if let expires, !(0...253_402_300_799).contains(expires) { throw fail("Expires must be between 1970 and 9999") }
        if let maxAge, maxAge < 0 { throw fail("Max-Age must not be negative; use 0 to remove the cookie") }
        if let domain, domain.isEmpty || !domain.utf8.allSatisfy(isDomainByte) { throw fail("the Domain must be a host name (RFC 6265 §4.1.2.3)") }
        if let path, !path.hasPrefix("/") || !path.utf8.allSatisfy(CookieGrammar.isAttributeValueByte) { throw fail("the Path must start with / and hold no CTL or ; (RFC 6265 §4.1.1)") }
        // RFC 6265bis §4.1.2.7: browsers drop SameSite=None without Secure.
        if sameSite == SameSite.none && !secure { throw fail("SameSite=None requires Secure") }
        if partitioned && !secure { throw fail("Partitioned requires Secure") }
        // RFC 6265bis §4.1.3: the prefixes promise what the attributes say.
        if name.hasPrefix("__Secure-") && !secure { throw fail("a __Secure- cookie requires Secure") }
        if name.hasPrefix("__Host-") && (!secure || path != "/" || domain != nil) { throw fail("a __Host- cookie requires Secure, Path=/ and no Domain") }
    }

    private func isDomainByte(_ byte: UInt8) -> Bool {
        // Letters, digits, hyphens and dots (RFC 1034 §3.5, RFC 1123 §2.1).
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "-"), UInt8(ascii: "."): true
        default: false
        }
    }
}

extension HearthResponse {
    /// Appends one `Set-Cookie` field for `cookie`. Set-Cookie fields are
    /// never joined into one (RFC 6265 §3: a comma may sit in Expires).
    public mutating func setCookie(_ cookie: SetCookie) throws {
        headerFields.append(HTTPField(name: .setCookie, value: try cookie.serialized()))
    }

    /// The same, with Secure turned on when `request` came over TLS
    /// (SECURITY.md: `Secure` when served over TLS, by default).
    public mutating func setCookie(_ cookie: SetCookie, for request: HearthRequest) throws {
        var cookie = cookie
        if request.variables["HTTPS"]?.lowercased() == "on" || request.variables["REQUEST_SCHEME"] == "https" { cookie.secure = true }
        try setCookie(cookie)
    }
}
