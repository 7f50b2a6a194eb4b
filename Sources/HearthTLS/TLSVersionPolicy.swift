import NIOSSL

/// The protocol versions and ciphers every TLS listener offers: TLS 1.2 and
/// 1.3 only, and for 1.2 Mozilla's "intermediate" list (ECDHE key exchange
/// with AES-GCM or ChaCha20-Poly1305; no CBC, no RSA key exchange, no SHA-1
/// MACs). TLS 1.3's suites are all AEAD and BoringSSL fixes them.
enum TLSVersionPolicy {
    static let minimum = TLSVersion.tlsv12
    static let maximum = TLSVersion.tlsv13
    static let cipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]
}
