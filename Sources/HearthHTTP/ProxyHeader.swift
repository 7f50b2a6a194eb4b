#if canImport(Glibc)
import Glibc
#endif

/// The PROXY protocol's header (HAProxy's `send-proxy` and
/// `send-proxy-v2`, haproxy.org's proxy-protocol.txt): the address of the
/// client a proxy accepted, sent before anything else on the connection.
enum ProxyHeader: Equatable {
    /// The proxy's own connection (v1 `UNKNOWN`, v2 `LOCAL`, or an address
    /// family that is not TCP over IPv4 or IPv6): the peer stays the client.
    case local
    case client(address: String, port: Int)

    /// What the bytes so far hold.
    enum Parse: Equatable {
        case needMore
        case header(ProxyHeader, length: Int)
        case invalid(String)
    }

    /// v2's twelve-byte signature (§2.2).
    static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// v1's longest line, CRLF included (§2.1).
    static let longestV1 = 107

    static func parse(_ bytes: ArraySlice<UInt8>) -> Parse {
        let prefix = bytes.prefix(signature.count)
        if signature.starts(with: prefix) {
            return prefix.count < signature.count ? .needMore : v2(bytes)
        }
        let v1Prefix = Array("PROXY ".utf8)
        if v1Prefix.starts(with: bytes.prefix(v1Prefix.count)) {
            return bytes.count < v1Prefix.count ? .needMore : v1(bytes)
        }
        return .invalid("the connection did not begin with a PROXY protocol header")
    }

    /// `PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n`.
    private static func v1(_ bytes: ArraySlice<UInt8>) -> Parse {
        // The line ends with CRLF; a bare LF is no header, not a wait.
        if let lf = bytes.firstIndex(of: 0x0A), lf < (bytes.firstIndex(of: 0x0D) ?? bytes.endIndex) {
            return .invalid("a PROXY v1 line not ended by CRLF")
        }
        guard let cr = bytes.firstIndex(of: 0x0D) else {
            return bytes.count >= longestV1 ? .invalid("a PROXY v1 line longer than \(longestV1) bytes") : .needMore
        }
        guard cr + 1 < bytes.endIndex else { return .needMore }
        guard bytes[cr + 1] == 0x0A, cr + 2 - bytes.startIndex <= longestV1 else { return .invalid("a malformed PROXY v1 line") }
        let length = cr + 2 - bytes.startIndex
        let fields = String(decoding: bytes[bytes.startIndex..<cr], as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
        if fields.count >= 2 && fields[1] == "UNKNOWN" { return .header(.local, length: length) }
        guard fields.count == 6, fields[1] == "TCP4" || fields[1] == "TCP6", ForwardedClient.isAddress(String(fields[2])),
              let port = Int(fields[4]), (0...65535).contains(port)
        else { return .invalid("a malformed PROXY v1 line") }
        return .header(.client(address: String(fields[2]), port: port), length: length)
    }

    /// The binary header: signature, version and command, family, length,
    /// the addresses (§2.2).
    private static func v2(_ bytes: ArraySlice<UInt8>) -> Parse {
        let start = bytes.startIndex
        guard bytes.count >= 16 else { return .needMore }
        let versionCommand = bytes[start + 12], family = bytes[start + 13]
        let bodyLength = Int(bytes[start + 14]) << 8 | Int(bytes[start + 15])
        guard versionCommand >> 4 == 2 else { return .invalid("a PROXY header of an unknown version") }
        guard bytes.count >= 16 + bodyLength else { return .needMore }
        let body = bytes[(start + 16)..<(start + 16 + bodyLength)]
        let length = 16 + bodyLength
        switch (versionCommand & 0x0F, family) {
        case (0, _): return .header(.local, length: length)
        case (1, 0x11) where body.count >= 12:
            let address = body.prefix(4).map(String.init).joined(separator: ".")
            return .header(.client(address: address, port: port(body, at: 8)), length: length)
        case (1, 0x21) where body.count >= 36:
            return .header(.client(address: ipv6(body.prefix(16)), port: port(body, at: 32)), length: length)
        case (1, 0x11), (1, 0x21): return .invalid("a PROXY v2 header too short for its addresses")
        case (1, _): return .header(.local, length: length)
        default: return .invalid("a PROXY v2 header with an unknown command")
        }
    }

    private static func port(_ body: ArraySlice<UInt8>, at offset: Int) -> Int {
        Int(body[body.startIndex + offset]) << 8 | Int(body[body.startIndex + offset + 1])
    }

    /// Sixteen bytes as RFC 5952 writes them (inet_ntop).
    private static func ipv6(_ bytes: ArraySlice<UInt8>) -> String {
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
