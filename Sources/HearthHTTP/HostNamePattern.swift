import HearthCGI

/// A host name as a configuration lists it, for a virtual host
/// (`hosts[].names`) or a certificate (`listen[].tls.certificates[].names`):
/// exact (`example.org`) or a wildcard (`*.example.org`). Compared
/// case-insensitively, without a port and without a trailing dot: the one
/// matcher that picks a certificate by SNI and a virtual host by Host (or
/// by SNI, to refuse a misdirected request).
public struct HostNamePattern: Sendable, Hashable, CustomStringConvertible {
    /// How far under its name a wildcard reaches.
    public enum Reach: Sendable {
        /// One label, as a certificate's wildcard (RFC 6125 §6.4.3): a
        /// client would refuse it for any deeper name.
        case oneLabel
        /// One or more labels, as nginx's `server_name *.example.org`.
        case anyDepth
    }

    /// Lowercased, without a trailing dot: `example.org`, `*.example.org`.
    public let text: String

    /// Nil for what no host could be called: empty, a port, a `*` anywhere
    /// but as the whole first label of at least two (`*.`, `a.*.b`,
    /// `*example.org`), an empty label, or a character a Host field may not
    /// carry (RFC 9112 §3.2).
    public init?(_ name: String) {
        let text = Self.normalize(name)
        let exact = text.hasPrefix("*.") ? String(text.dropFirst(2)) : text
        guard Self.isValidName(exact) else { return nil }
        self.text = text
    }

    public var description: String { text }

    /// `*.example.org`.
    public var isWildcard: Bool { text.hasPrefix("*.") }

    /// Whether `host` (normalized: see `HostNamePattern.host(of:)`) is
    /// this name, or under this wildcard as far as `reach` allows.
    public func matches(_ host: some StringProtocol, reach: Reach) -> Bool {
        guard isWildcard else { return host == text }
        let suffix = text.dropFirst()  // `.example.org`
        guard host.hasSuffix(suffix) else { return false }
        let labels = host.dropLast(suffix.count)
        guard !labels.isEmpty else { return false }
        return reach == .anyDepth || !labels.contains(".")
    }

    /// A name as the patterns are kept: lowercased, without a trailing dot
    /// (`Example.ORG.` is `example.org`, RFC 1034 §3.1's absolute form).
    public static func normalize(_ name: some StringProtocol) -> String {
        let lowered = name.lowercased()
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }

    /// The name a Host field (or an SNI name) asks for, normalized:
    /// `WWW.Example.org.:8080` → `www.example.org`.
    public static func host(of field: some StringProtocol) -> String {
        normalize(CGIEnvironmentBuilder.hostName(ofField: field))
    }

    /// Dot-separated labels of letters, digits, `-` and `_` (what
    /// `HostField` lets through as a reg-name), or a bracketed IPv6
    /// address.
    private static func isValidName(_ name: String) -> Bool {
        if name.hasPrefix("[") {
            let inside = name.dropFirst().dropLast()
            return name.hasSuffix("]") && !inside.isEmpty && inside.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in !label.isEmpty && label.unicodeScalars.allSatisfy(isLabelCharacter) }
    }

    private static func isLabelCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
    }
}
