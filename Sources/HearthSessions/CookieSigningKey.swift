import Crypto

/// A secret key for signed cookies: at least 32 bytes (256 bits, HMAC-
/// SHA256's own output size, which RFC 2104 §3 names as the least a key
/// should have). Generate one with
///
///     openssl rand -base64 32
///     head -c32 /dev/urandom | base64
///
/// and keep it out of the repository (docs/sessions.md).
public struct CookieSigningKey: Sendable {
    public static let minimumByteCount = 32
    /// The bytes, not a `SymmetricKey`: swift-crypto 3's key is not
    /// `Sendable`, and making one per use costs a copy of 32 bytes.
    private let bytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// The key's raw bytes.
    public init(bytes: some Collection<UInt8>) throws(CookieSigningKeyError) {
        guard bytes.count >= Self.minimumByteCount else {
            throw CookieSigningKeyError(
                reason: "a signing key must be at least \(Self.minimumByteCount) bytes, this one has \(bytes.count); generate one with `openssl rand -base64 32`"
            )
        }
        self.bytes = Array(bytes)
    }

    /// The key written in base64 (as `openssl rand -base64 32` prints it)
    /// or base64url.
    public init(base64 text: String) throws(CookieSigningKeyError) {
        guard let bytes = Base64URL.decodeEither(text) else {
            throw CookieSigningKeyError(reason: "a signing key must be written in base64 (`openssl rand -base64 32`)")
        }
        try self.init(bytes: bytes)
    }
}

/// A key that cannot sign: too short, or not base64. The reason never
/// repeats the key.
public struct CookieSigningKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
