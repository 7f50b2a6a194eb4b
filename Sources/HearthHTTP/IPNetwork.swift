#if canImport(Glibc)
import Glibc
#endif

/// An address range in CIDR notation (`10.0.0.0/8`, `fd00::/8`, or one
/// address, `192.0.2.7`): the proxies whose `X-Request-Id` the server
/// takes (`trusted_proxies`). IPv4 is held as IPv4-mapped IPv6
/// (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2), so a client that reaches a
/// dual-stack listener as `::ffff:10.1.2.3` is in `10.0.0.0/8` too.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    private let address: [UInt8]
    private let prefixLength: Int
    public let description: String

    /// Parses `ADDRESS` or `ADDRESS/BITS`; nil for anything else (a host
    /// name, bits over 32 or 128, bits set past the prefix).
    public init?(cidr text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let (bytes, isV4) = Self.bytes(of: String(parts[0])) else { return nil }
        let width = isV4 ? 32 : 128
        var bits = width
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber), let given = Int(parts[1]), given <= width else { return nil }
            bits = given
        }
        let length = bits + (isV4 ? 96 : 0)
        // `10.1.0.0/8` is almost certainly a typo for /16: refused, as ip(8) does.
        guard Self.masked(bytes, to: length) == bytes else { return nil }
        address = bytes
        prefixLength = length
        description = text
    }

    /// Whether `address` (as `ConnectionInfo.remoteAddress` writes it) is
    /// in this range; false for anything that is no address.
    public func contains(_ address: String) -> Bool {
        guard let (bytes, _) = Self.bytes(of: address) else { return false }
        return Self.masked(bytes, to: prefixLength) == self.address
    }

    /// The 16 bytes of an IPv6 address, or of an IPv4 one mapped; and
    /// whether it was written as IPv4.
    private static func bytes(of text: String) -> ([UInt8], Bool)? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return (Array(repeating: 0, count: 10) + [0xFF, 0xFF] + withUnsafeBytes(of: v4) { Array($0) }, true)
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        return (withUnsafeBytes(of: v6) { Array($0) }, false)
    }

    private static func masked(_ bytes: [UInt8], to bits: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(8, max(0, bits - index * 8))
            return kept == 8 ? byte : byte & ~(0xFF >> kept)
        }
    }
}
