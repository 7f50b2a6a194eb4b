import HearthCGI

/// A header value of the form `type; name=value; name="quoted"` (RFC 9110
/// §5.6.6 parameters, as Content-Type and Content-Disposition use them).
struct HeaderParameters {
    /// The value before the first `;`, lowercased.
    let value: String
    /// The parameters in order, names lowercased.
    let parameters: [(name: String, value: String)]

    init(_ text: Substring) {
        var rest = text[...]
        value = HeaderParameters.take(&rest, until: ";").trimmingOWS().lowercased()
        var parameters: [(String, String)] = []
        while !rest.isEmpty {
            rest = rest.dropFirst().trimmingOWSPrefix()
            let name = HeaderParameters.take(&rest, until: "=;").trimmingOWS().lowercased()
            guard rest.first == "=" else { continue }
            rest = rest.dropFirst().trimmingOWSPrefix()
            let value = rest.first == "\"" ? HeaderParameters.quoted(&rest) : String(HeaderParameters.take(&rest, until: ";").trimmingOWS())
            _ = HeaderParameters.take(&rest, until: ";")
            if !name.isEmpty { parameters.append((name, value)) }
        }
        self.parameters = parameters
    }

    subscript(name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    private static func take(_ text: inout Substring, until stops: String) -> Substring {
        let end = text.firstIndex { stops.contains($0) } ?? text.endIndex
        defer { text = text[end...] }
        return text[..<end]
    }

    /// A quoted-string (RFC 9110 §5.6.4). Only `\"` and `\\` are escapes:
    /// browsers send Windows paths unescaped (`C:\dir\a.txt`), and WHATWG's
    /// form encoding writes a quote as %22 rather than escaping it.
    private static func quoted(_ text: inout Substring) -> String {
        var result = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex, text[index] != "\"" {
            let next = text.index(after: index)
            if text[index] == "\\", next < text.endIndex, text[next] == "\"" || text[next] == "\\" {
                result.append(text[next])
                index = text.index(after: next)
            } else {
                result.append(text[index])
                index = next
            }
        }
        text = text[(index < text.endIndex ? text.index(after: index) : index)...]
        return result
    }

    /// An RFC 8187 ext-value, `charset'language'pct-encoded`: UTF-8 or
    /// ISO-8859-1 (the two it requires); nil for anything else.
    static func extendedValue(_ text: String) -> String? {
        let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        switch parts[0].lowercased() {
        case "utf-8":
            return PercentDecoding.decode(parts[2])
        case "iso-8859-1":
            return latin1(parts[2])
        default:
            return nil
        }
    }
}

/// Percent-decodes `text` and reads each byte as the Latin-1 code point
/// of the same value; nil on a bad escape.
private func latin1(_ text: Substring) -> String? {
    var scalars = String.UnicodeScalarView()
    var index = text.utf8.startIndex
    while index < text.utf8.endIndex {
        var byte = text.utf8[index]
        if byte == 0x25 {
            let end = text.utf8.index(index, offsetBy: 3, limitedBy: text.utf8.endIndex) ?? text.utf8.endIndex
            guard text.utf8.distance(from: index, to: end) == 3,
                  let value = UInt8(String(decoding: text.utf8[text.utf8.index(after: index)..<end], as: UTF8.self), radix: 16) else { return nil }
            byte = value
            index = end
        } else {
            index = text.utf8.index(after: index)
        }
        scalars.append(Unicode.Scalar(byte))
    }
    return String(scalars)
}

extension Substring {
    /// Without leading and trailing spaces and tabs (RFC 9110 §5.6.3 OWS).
    func trimmingOWS() -> Substring {
        let trimmed = trimmingOWSPrefix()
        return trimmed[..<(trimmed.lastIndex { $0 != " " && $0 != "\t" }.map(trimmed.index(after:)) ?? trimmed.startIndex)]
    }

    func trimmingOWSPrefix() -> Substring {
        drop { $0 == " " || $0 == "\t" }
    }
}
