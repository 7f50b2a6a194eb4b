/// The part of a file a GET asks for with `Range` (RFC 9110 §14).
enum ByteRangeRequest: Equatable {
    /// No usable `Range`: the whole file, 200.
    case whole
    /// One satisfiable range, 206.
    case part(Range<Int>)
    /// A range that starts past the end, 416 (RFC 9110 §15.5.17).
    case unsatisfiable

    /// Reads a `Range` field for a file of `size` bytes. A field that does
    /// not parse, another unit, or several ranges yield `.whole`: a server
    /// MAY ignore `Range` (RFC 9110 §14.2), and the whole file is always a
    /// correct answer, where multipart/byteranges would buy little.
    static func parse(_ field: String?, size: Int) -> ByteRangeRequest {
        guard let field else { return .whole }
        let text = field.trimmingSpaces
        guard text.lowercased().hasPrefix("bytes=") else { return .whole }
        let specs = text.dropFirst(6).split(separator: ",", omittingEmptySubsequences: false)
        guard specs.count == 1, let dash = specs[0].firstIndex(of: "-") else { return .whole }
        let spec = specs[0]
        return range(first: spec[..<dash].trimmingSpaces, last: spec[spec.index(after: dash)...].trimmingSpaces, size: size)
    }

    /// RFC 9110 §14.1.2: `a-b`, `a-` or the suffix form `-n`.
    private static func range(first: Substring, last: Substring, size: Int) -> ByteRangeRequest {
        if first.isEmpty {
            guard let length = number(last) else { return .whole }
            // A zero-length suffix, or any suffix of an empty file, selects nothing.
            guard length > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - length)..<size)
        }
        guard let start = number(first) else { return .whole }
        var end = size
        if !last.isEmpty {
            // last < first is invalid syntax, so the field is ignored (§14.1.1).
            guard let lastByte = number(last), lastByte >= start else { return .whole }
            end = min(lastByte, size - 1) + 1
        }
        guard start < size else { return .unsatisfiable }
        return .part(start..<end)
    }

    /// Digits only (no sign, no spaces); nil also when too large for Int.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}

extension StringProtocol where SubSequence == Substring {
    /// Without leading and trailing spaces and tabs (HTTP's OWS).
    package var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[start...end]
    }
}
