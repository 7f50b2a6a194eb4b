import HearthCGI

/// application/x-www-form-urlencoded, just enough for the guestbook.
/// TODO: replace with HearthWeb's form parsing (HearthRequest+Form.swift)
/// once it lands; this stays private to the example.
enum GuestbookForm {
    /// The first value of each name; `+` is a space, `%XX` a byte (the
    /// WHATWG urlencoded parser). Pairs that do not decode are skipped.
    static func parse(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0], plusAsSpace: true),
                  let value = PercentDecoding.decode(parts.count > 1 ? parts[1] : "", plusAsSpace: true) else { continue }
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }
}
