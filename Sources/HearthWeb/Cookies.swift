import HTTPTypes

/// The cookies a request carries (RFC 6265 §5.4): name/value pairs in the
/// order the client sent them, every Cookie field read (HTTP/2 may split
/// them, RFC 9113 §8.2.3).
public struct HearthCookies: Sendable, Sequence {
    public private(set) var pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    /// The first cookie named `name`. A client sends the most specific one
    /// first (longer Path first, §5.4 step 2), so the first is the one meant.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every cookie named `name`, in the order sent.
    public func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        pairs.makeIterator()
    }

    /// `name=value; name2=value2` (§4.2.1). A pair with no `=`, an empty or
    /// non-token name, or a byte no cookie value may hold is skipped, not
    /// fatal: one bad cookie from another application on the same host must
    /// not break this one. A value in double quotes loses them (§4.1.1).
    public static func parse(_ fieldValues: [String]) -> HearthCookies {
        var pairs: [(String, String)] = []
        for field in fieldValues {
            for piece in field.split(separator: ";") {
                let piece = piece.trimmingOWS()
                guard let equals = piece.firstIndex(of: "=") else { continue }
                let name = piece[..<equals].trimmingOWS()
                var value = piece[piece.index(after: equals)...].trimmingOWS()
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                guard !name.isEmpty, name.utf8.allSatisfy(CookieGrammar.isToken), value.utf8.allSatisfy(CookieGrammar.isLenientValueByte) else { continue }
                pairs.append((String(name), String(value)))
            }
        }
        return HearthCookies(pairs)
    }
}

extension HearthRequest {
    /// The request's cookies (RFC 6265 §5.4).
    public var cookies: HearthCookies {
        HearthCookies.parse(headerFields[values: .cookie])
    }
}

/// RFC 6265 §4.1.1's grammar, byte by byte.
enum CookieGrammar {
    /// tchar (RFC 9110 §5.6.2): a cookie name is a token.
    static func isToken(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// cookie-octet: US-ASCII except CTLs, space, `"`, `,`, `;` and `\`.
    static func isCookieOctet(_ byte: UInt8) -> Bool {
        byte == 0x21 || (0x23...0x2B).contains(byte) || (0x2D...0x3A).contains(byte) || (0x3C...0x5B).contains(byte) || (0x5D...0x7E).contains(byte)
    }

    /// What a server accepts when reading: cookie-octets plus space and
    /// comma, which real clients send (Go's net/http reads them the same).
    static func isLenientValueByte(_ byte: UInt8) -> Bool {
        isCookieOctet(byte) || byte == 0x20 || byte == 0x2C
    }

    /// A Path or Domain attribute value: any CHAR but CTLs and `;` (§4.1.1).
    static func isAttributeValueByte(_ byte: UInt8) -> Bool {
        (0x20...0x7E).contains(byte) && byte != 0x3B
    }
}
