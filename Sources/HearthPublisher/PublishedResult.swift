#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HearthWeb
import NIOCore

/// How a function's return value becomes the response.
enum PublishedResult {
    /// Text is HTML when it looks like HTML the way mod_python's publisher
    /// decides it (mod_python 3.5, `lib/python/mod_python/publisher.py`,
    /// `handler`): `re.compile(r"</HTML\s*>\s*$", re.I).search(result,
    /// len(result) - 100)` — it ends in a closing `</html>` tag, found
    /// within its last 100 characters. Otherwise plain text. Both in UTF-8.
    static func response(text: String) -> HearthResponse {
        looksLikeHTML(text) ? .html(text) : .text(text)
    }

    static func looksLikeHTML(_ text: String) -> Bool {
        // The last 100 characters (Python counts code points), without the
        // trailing whitespace `\s*$` allows.
        var tail = text.unicodeScalars.suffix(100)
        while let last = tail.last, last.properties.isWhitespace { tail.removeLast() }
        guard tail.last == ">" else { return false }
        tail.removeLast()
        while let last = tail.last, last.properties.isWhitespace { tail.removeLast() }
        let tag = "</html".unicodeScalars
        guard tail.count >= tag.count else { return false }
        return zip(tail.suffix(tag.count), tag).allSatisfy { asciiLowercase($0.0) == $0.1 }
    }

    /// `application/json` (RFC 8259 §11: no charset parameter; it is
    /// UTF-8). Keys sorted, so an answer is the same bytes every time;
    /// dates in ISO 8601, as the arguments read them.
    static func response<Value: Encodable>(json value: Value) throws -> HearthResponse {
        var body = try encoder.encode(value)
        body.append(UInt8(ascii: "\n"))
        return HearthResponse(headerFields: [.contentType: "application/json"], body: .bytes(ByteBuffer(bytes: body)))
    }

    /// Shared: encoding reads the options, never changes them.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static func asciiLowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
    }
}
