#if canImport(Glibc)
import Glibc
#endif

/// An address block in CIDR notation (`127.0.0.0/8`, `::1/128`, RFC 4632
/// and RFC 4291 §2.3), or one address (`10.1.2.3`: the block of one). The
/// admin listener lets in only clients inside its `allow` blocks.
///
/// Both families are kept as IPv6: an IPv4 block is its IPv4-mapped form
/// (RFC 4291 §2.5.5.2, `::ffff:a.b.c.d`), so a listener on `::` that sees
/// IPv4 clients as mapped addresses matches them against IPv4 blocks.
public struct NetworkRange: Sendable, Equatable, CustomStringConvertible {
    private let address: [UInt8]
    private let prefixLength: Int
    public let description: String

    /// Loopback in both families: the admin listener's default `allow`.
    public static let loopback = [NetworkRange("127.0.0.0/8")!, NetworkRange("::1/128")!]

    /// nil unless `text` is an address, or an address, a slash and a
    /// prefix length no longer than the family's (32, 128).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let (bytes, isIPv4) = Self.parse(String(parts[0])) else { return nil }
        let familyBits = isIPv4 ? 32 : 128
        var length = familyBits
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), let bits = Int(parts[1]), bits <= familyBits else { return nil }
            length = bits
        }
        self.prefixLength = length + (isIPv4 ? 96 : 0)
        self.address = bytes
        self.description = text
    }

    /// Whether `text`, an address as the connection reports it, lies in
    /// the block; false for anything that is not an address.
    public func contains(_ text: String) -> Bool {
        guard let (bytes, _) = Self.parse(text) else { return false }
        var bits = prefixLength
        for (mine, theirs) in zip(address, bytes) where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if mine & mask != theirs & mask { return false }
            bits -= 8
        }
        return true
    }

    /// The 16 bytes of an IPv6 address, or of an IPv4 one mapped.
    private static func parse(_ text: String) -> ([UInt8], isIPv4: Bool)? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            let octets = withUnsafeBytes(of: v4.s_addr) { Array($0) }
            return ([UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + octets, true)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return (withUnsafeBytes(of: v6) { Array($0) }, false) }
        return nil
    }
}
