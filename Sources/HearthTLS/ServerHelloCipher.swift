/// Reads the cipher suite the server chose out of its ServerHello, the
/// first record it sends (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3; plaintext in
/// both versions). NIOSSL does not expose the negotiated suite, and
/// SSL_CIPHER is what mod_ssl tells scripts.
enum ServerHelloCipher {
    /// The suite's number; nil when `bytes` does not start with a
    /// ServerHello (or is too short to hold the field).
    static func suite(in bytes: some Collection<UInt8>) -> UInt16? {
        let bytes = Array(bytes.prefix(5 + 4 + 2 + 32 + 1 + 32 + 2))
        // Record: handshake (22), then the message: server_hello (2).
        guard bytes.count > 43, bytes[0] == 22, bytes[5] == 2 else { return nil }
        let sessionIDLength = Int(bytes[43])
        let at = 44 + sessionIDLength
        guard sessionIDLength <= 32, bytes.count >= at + 2 else { return nil }
        return UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
    }

    /// OpenSSL's names (what `SSL_CIPHER` holds under Apache) of the
    /// suites `TLSVersionPolicy` offers and TLS 1.3's.
    static func name(of suite: UInt16) -> String {
        switch suite {
        case 0xC02B: "ECDHE-ECDSA-AES128-GCM-SHA256"
        case 0xC02F: "ECDHE-RSA-AES128-GCM-SHA256"
        case 0xC02C: "ECDHE-ECDSA-AES256-GCM-SHA384"
        case 0xC030: "ECDHE-RSA-AES256-GCM-SHA384"
        case 0xCCA9: "ECDHE-ECDSA-CHACHA20-POLY1305"
        case 0xCCA8: "ECDHE-RSA-CHACHA20-POLY1305"
        case 0x1301: "TLS_AES_128_GCM_SHA256"
        case 0x1302: "TLS_AES_256_GCM_SHA384"
        case 0x1303: "TLS_CHACHA20_POLY1305_SHA256"
        default: "0x" + String(suite, radix: 16, uppercase: true)
        }
    }
}
