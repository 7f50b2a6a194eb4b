/// RFC 7239's `Forwarded` field: elements separated by commas, each of
/// `name=value` pairs separated by semicolons, a value a token or a quoted
/// string (§4). `for` is a node (§6): an IPv4 address, a bracketed IPv6
/// address, either with `:port`, or `unknown` / an obfuscated `_name`.
enum ForwardedField {
    /// The hops one field line lists, in its order.
    static func hops(_ line: String) -> [ForwardedClient.Hop] {
        line.split(separator: ",").compactMap { element in
            var hop = ForwardedClient.Hop(address: "", port: nil, scheme: nil)
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[0].trimmed.lowercased()
                let value = unquoted(parts[1].trimmed)
                switch name {
                case "for": (hop.address, hop.port) = node(value)
                case "proto": hop.scheme = scheme(value)
                default: continue
                }
            }
            return hop.address.isEmpty ? nil : hop
        }
    }

    /// `http` or `https` (RFC 7239 §5.4: a URI scheme); anything else is
    /// not a scheme this server would answer in.
    static func scheme(_ value: String) -> String? {
        let lowered = value.lowercased()
        return lowered == "http" || lowered == "https" ? lowered : nil
    }

    /// `192.0.2.43:47011` → (`192.0.2.43`, 47011); `[2001:db8::1]:4711` →
    /// (`2001:db8::1`, 4711); `unknown` → (`unknown`, nil).
    static func node(_ value: String) -> (String, Int?) {
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            let address = String(value[value.index(after: value.startIndex)..<close])
            let rest = value[value.index(after: close)...]
            return (address, rest.hasPrefix(":") ? port(rest.dropFirst()) : nil)
        }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return (value, nil) }
        return (String(parts[0]), port(parts[1]))
    }

    private static func port(_ text: Substring) -> Int? {
        guard let port = Int(text), (1...65535).contains(port) else { return nil }
        return port
    }

    private static func unquoted(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
        // A quoted-pair (`\"`) stands for its second character.
        var text = ""
        var escaped = false
        for character in value.dropFirst().dropLast() {
            if !escaped && character == "\\" { escaped = true; continue }
            escaped = false
            text.append(character)
        }
        return text
    }
}

extension Substring {
    /// Without the spaces and tabs (OWS, RFC 9110 §5.6.3) around it.
    var trimmed: String { String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
}
