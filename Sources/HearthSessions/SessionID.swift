/// A session id: 192 bits from the system CSPRNG (SECURITY.md asks for at
/// least 128; `SystemRandomNumberGenerator` is getrandom(2) on Linux and
/// arc4random on Darwin), written as 32 base64url characters. An id is
/// only ever made here, by `random()`, or by `init?(validating:)` from a
/// cookie, which accepts that exact shape and nothing else, so a store
/// never sees a value a client made up in some other form (no SQL, no
/// path, no overlong key) — mod_python's ids were guessable; these are not.
public struct SessionID: Sendable, Hashable, CustomStringConvertible {
    /// The id as the cookie carries it.
    public let text: String

    /// 24 bytes encode to exactly 32 characters, every bit used, so every
    /// 32-character text in the alphabet is one id and no padding exists.
    static let byteCount = 24
    public static let length = 32

    private init(trusted text: String) {
        self.text = text
    }

    /// A fresh id.
    public static func random() -> SessionID {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<(byteCount / 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return SessionID(trusted: Base64URL.encode(bytes))
    }

    /// `text` when it has the shape of an id: 32 characters of
    /// `A–Z a–z 0–9 - _`. Anything else is nil and never reaches a store.
    public init?(validating text: some StringProtocol) {
        guard text.utf8.count == Self.length, text.utf8.allSatisfy(Base64URL.isAlphabet) else { return nil }
        self.init(trusted: String(text))
    }

    /// Only the first characters: an id is a credential, and logs are read
    /// by more people than the store is.
    public var description: String { "\(text.prefix(6))…" }
}
