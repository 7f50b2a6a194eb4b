/// base64url without padding (RFC 4648 §5): the alphabet of session ids and
/// signed cookie values, since every character of it is a cookie-octet
/// (RFC 6265 §4.1.1) and needs no quoting.
enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let values: [UInt8: UInt8] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, UInt8($0)) })

    static func isAlphabet(_ byte: UInt8) -> Bool { values[byte] != nil }

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var bits = 0
        var bitCount = 0
        for byte in bytes {
            bits = (bits << 8) | Int(byte)
            bitCount += 8
            while bitCount >= 6 {
                bitCount -= 6
                out.append(alphabet[(bits >> bitCount) & 0x3F])
            }
        }
        if bitCount > 0 { out.append(alphabet[(bits << (6 - bitCount)) & 0x3F]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of `text`, or nil when it holds a character outside the
    /// alphabet, has an impossible length, or is not the canonical encoding
    /// (leftover bits not zero), so that one value has exactly one text.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard text.utf8.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var bits = 0
        var bitCount = 0
        for byte in text.utf8 {
            guard let value = values[byte] else { return nil }
            bits = (bits << 6) | Int(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                out.append(UInt8((bits >> bitCount) & 0xFF))
            }
            bits &= (1 << bitCount) - 1
        }
        return bits == 0 ? out : nil
    }

    /// Standard base64 as `openssl rand -base64 32` prints it (`+`, `/`,
    /// `=` padding, maybe line breaks), or base64url: both are accepted for
    /// keys, which people paste from either.
    static func decodeEither(_ text: String) -> [UInt8]? {
        let mapped = text.utf8.compactMap { byte -> UInt8? in
            switch byte {
            case UInt8(ascii: "+"): UInt8(ascii: "-")
            case UInt8(ascii: "/"): UInt8(ascii: "_")
            case UInt8(ascii: "="), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: " "): nil
            default: byte
            }
        }
        return decode(String(decoding: mapped, as: UTF8.self))
    }
}
