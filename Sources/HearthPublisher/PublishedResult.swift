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
    /// decides it (lib/python/mod_python/publisher.py, `handler`, in every
    /// 3.x release): `result[:100].strip()[:6].lower() == '<html>' or
    /// result.find('</') > 0` — the first 100 characters, stripped, open
    /// with `<html>`, or the first `</` is not at the very start.
    /// Otherwise plain text. Both in UTF-8.
    static func response(text: String) -> HearthResponse {
        looksLikeHTML(text) ? .html(text) : .text(text)
    }

    static func looksLikeHTML(_ text: String) -> Bool {
        let utf8 = text.utf8
        let head = utf8.prefix(100).drop { isPythonSpace($0) }
        if head.prefix(6).lazy.map(asciiLowercase).elementsEqual("<html>".utf8) { return true }
        // `find` gives the first "</": one at the very start makes it plain.
        var previous: UInt8?
        for (offset, byte) in utf8.enumerated() {
            if byte == UInt8(ascii: "/"), previous == UInt8(ascii: "<") { return offset > 1 }
            previous = byte
        }
        return false
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

    /// Python 2's `str.strip()` whitespace.
    private static func isPythonSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
