import Crypto
import HearthWeb
import Logging

/// Signed cookies: the client keeps the value, and cannot change it
/// unnoticed. The cookie value is `payload.mac`, where `payload` is the
/// value in base64url (any text may be signed) and `mac` the base64url
/// HMAC-SHA256 (RFC 2104) of `name=payload` — the name is inside the MAC,
/// so a value signed for one cookie is not accepted for another. A name is
/// a token and holds no `=` (RFC 6265 §4.1.1), so `name=payload` is
/// unambiguous.
///
/// Key rotation: every key in `keys` is accepted, the first one signs. Put
/// a new key first, keep the old one until the cookies it signed expire,
/// then drop it. mod_python's `SignedCookie` is the same idea (HMAC-MD5,
/// one key, and broken on Python 3).
public struct CookieSigner: Sendable {
    public let keys: [CookieSigningKey]

    /// Why a signed cookie was not accepted; logged, never answered.
    public enum Rejection: String, Sendable {
        /// No `.mac` part: a plain cookie where a signed one was expected.
        case unsigned
        /// Not `base64url.base64url`, or a MAC of the wrong length.
        case badlyEncoded = "badly encoded"
        /// A well-formed MAC that no key produced: changed by the client,
        /// signed for another cookie name, or by a key no longer listed.
        case tampered
    }

    public init(keys: [CookieSigningKey]) throws(CookieSigningKeyError) {
        guard !keys.isEmpty else { throw CookieSigningKeyError(reason: "a cookie signer needs at least one key") }
        self.keys = keys
    }

    /// Keys written in base64, the signing key first.
    public init(base64Keys: [String]) throws(CookieSigningKeyError) {
        var keys: [CookieSigningKey] = []
        for text in base64Keys { keys.append(try CookieSigningKey(base64: text)) }
        try self.init(keys: keys)
    }

    /// The cookie value that carries `value` signed for the cookie `name`.
    public func sign(_ value: String, name: String) -> String {
        let payload = Base64URL.encode(Array(value.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(name)=\(payload)".utf8), using: keys[0].key)
        return payload + "." + Base64URL.encode(Array(mac))
    }

    /// The value `signed` carries for the cookie `name`, or why it is
    /// refused. Each key's check is constant-time
    /// (`HMAC.isValidAuthenticationCode`).
    public func verify(_ signed: String, name: String) -> Result<String, RejectionError> {
        guard let dot = signed.lastIndex(of: ".") else { return .failure(RejectionError(.unsigned)) }
        let payload = signed[..<dot]
        guard let mac = Base64URL.decode(signed[signed.index(after: dot)...]), mac.count == SHA256.byteCount,
            let bytes = Base64URL.decode(payload), let value = String(validating: bytes, as: UTF8.self)
        else { return .failure(RejectionError(.badlyEncoded)) }
        let message = Array("\(name)=\(payload)".utf8)
        guard keys.contains(where: { HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: $0.key) }) else {
            return .failure(RejectionError(.tampered))
        }
        return .success(value)
    }

    /// `cookie` with its value replaced by the signed value.
    public func signed(_ cookie: SetCookie) -> SetCookie {
        var cookie = cookie
        cookie.value = sign(cookie.value, name: cookie.name)
        return cookie
    }

    /// A `Rejection` as an `Error`, for `Result`.
    public struct RejectionError: Error, Sendable, Equatable {
        public let rejection: Rejection
        init(_ rejection: Rejection) { self.rejection = rejection }
    }
}

extension HearthRequest {
    /// The verified value of the signed cookie `name`, nil when there is
    /// none. A cookie that is unsigned, badly encoded or tampered with is
    /// treated as absent and logged with its name and the client's address
    /// — never its value, which may be someone's attempt at a secret. With
    /// several cookies of that name (RFC 6265 §5.4 sends the most specific
    /// first), the first that verifies wins.
    public func signedCookie(_ name: String, signer: CookieSigner, logger: Logger) -> String? {
        for candidate in cookies.values(name) {
            switch signer.verify(candidate, name: name) {
            case .success(let value):
                return value
            case .failure(let error):
                logger.warning("signed cookie rejected", metadata: [
                    "cookie": "\(name)", "reason": "\(error.rejection.rawValue)", "remote": "\(remoteAddress)",
                ])
            }
        }
        return nil
    }
}

extension HearthResponse {
    /// Signs `cookie`'s value with `signer` and appends it, Secure when
    /// `request` came over TLS.
    public mutating func setSignedCookie(_ cookie: SetCookie, signer: CookieSigner, for request: HearthRequest) throws {
        try setCookie(signer.signed(cookie), for: request)
    }
}
