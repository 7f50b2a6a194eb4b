#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The value syntaxes of the config file, as pure functions on text.
/// A leading `-` is accepted so that range checks can say "must not be
/// negative" rather than "not a number".
enum ConfigurationValue {
    enum Problem: Error {
        case malformed
        case tooLarge
    }

    /// `8080`, `-1`: decimal digits with an optional sign, nothing else
    /// (no `0x`, no `1_000`).
    static func integer(_ text: String) throws(Problem) -> Int {
        let (negative, digits) = sign(of: Substring(text))
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { throw .malformed }
        guard let magnitude = Int(digits) else { throw .tooLarge }
        return negative ? -magnitude : magnitude
    }

    /// `65536`, `64K`, `16M`, `1G`: bytes, the suffix 1024-based, either case.
    static func size(_ text: String) throws(Problem) -> Int {
        let multipliers: [String: Int] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        guard let last = text.last else { throw .malformed }
        guard let multiplier = multipliers[last.lowercased()] else { return try integer(text) }
        let (product, overflow) = try integer(String(text.dropLast())).multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw .tooLarge }
        return product
    }

    /// `500ms`, `15s`, `2m`, `1h`, `1.5s`, or a plain number of seconds.
    static func duration(_ text: String) throws(Problem) -> Duration {
        let units: [(suffix: String, nanoseconds: Int)] = [
            ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ]
        // "ms" before "m" and "s": the first matching suffix wins.
        let unit = units.first { text.hasSuffix($0.suffix) } ?? ("", 1_000_000_000)
        let (negative, number) = sign(of: text.dropLast(unit.suffix.count))
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            parts.count == 1 || !parts[1].isEmpty
        else { throw .malformed }
        guard let count = Int(whole) else { throw .tooLarge }
        let (wholeNanoseconds, overflow) = count.multipliedReportingOverflow(by: unit.nanoseconds)
        guard !overflow else { throw .tooLarge }
        // A fraction of one unit is below an hour, so a Double is exact to the nanosecond.
        let fraction = parts.count == 2 ? Double("0." + parts[1])! * Double(unit.nanoseconds) : 0
        let (total, overflowAgain) = wholeNanoseconds.addingReportingOverflow(Int(fraction.rounded()))
        guard !overflowAgain else { throw .tooLarge }
        return .nanoseconds(negative ? -total : total)
    }

    /// `text` if absolute, else `base/text`; a leading `./` is dropped. `..`
    /// is kept: collapsing it lexically is wrong across symbolic links.
    static func path(_ text: String, relativeTo base: String) -> String {
        guard !text.hasPrefix("/") else { return text }
        var relative = Substring(text)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2).drop { $0 == "/" } }
        if relative.isEmpty || relative == "." { return base }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    /// An IPv4 or IPv6 address literal, as `inet_pton` reads it.
    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    private static func sign(of text: Substring) -> (negative: Bool, digits: Substring) {
        text.hasPrefix("-") ? (true, text.dropFirst()) : (false, text.hasPrefix("+") ? text.dropFirst() : text)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
