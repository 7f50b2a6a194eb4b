#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOSSL

/// Reads one certificate and its key into a server context, refusing what
/// would only fail later in a client's handshake.
enum TLSCertificateLoader {
    static func context(for files: TLSCertificateFiles, applicationProtocols: [String], now: time_t = time(nil)) throws -> NIOSSLContext {
        let chain = try read(files.certificate) { try NIOSSLCertificate.fromPEMFile($0) }
        guard let leaf = chain.first else { throw TLSCertificateError(file: files.certificate, reason: "no PEM certificate in the file") }
        if leaf.notValidAfter < now { throw TLSCertificateError(file: files.certificate, reason: "the certificate expired (\(date(leaf.notValidAfter)))") }
        if leaf.notValidBefore > now {
            throw TLSCertificateError(file: files.certificate, reason: "the certificate is not valid yet (from \(date(leaf.notValidBefore)))")
        }
        let key = try read(files.key) { try NIOSSLPrivateKey(file: $0, format: .pem) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = TLSVersionPolicy.minimum
        configuration.maximumTLSVersion = TLSVersionPolicy.maximum
        configuration.cipherSuiteValues = TLSVersionPolicy.cipherSuites
        configuration.applicationProtocols = applicationProtocols
        configuration.shutdownTimeout = shutdownWait
        do {
            // BoringSSL refuses a key whose public half is not the leaf's.
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSCertificateError(file: files.key, reason: "does not match the certificate \(files.certificate) (\(error))")
        }
    }

    /// How long a connection the server closes waits for the client's
    /// `close_notify` after sending its own. Nothing is read after it (RFC
    /// 8446 §6.1: the side that closes need not wait for the answer, as
    /// nginx and mod_ssl do not), yet swift-nio-ssl keeps the whole
    /// connection, its TLS state and buffers, for this long, by default
    /// 5 s, even after the socket is gone: at a few thousand connections a
    /// second that was hundreds of megabytes (bench/RESULTS-tls.md).
    static let shutdownWait = TimeAmount.milliseconds(100)

    private static func read<T>(_ path: String, _ load: (String) throws -> T) throws -> T {
        guard access(path, R_OK) == 0 else {
            throw TLSCertificateError(file: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        do {
            return try load(path)
        } catch {
            throw TLSCertificateError(file: path, reason: "is not valid PEM (\(error))")
        }
    }

    private static func date(_ time: time_t) -> String {
        var value = time
        var parts = tm()
        gmtime_r(&value, &parts)
        return "\(1900 + Int(parts.tm_year))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) \(pad(parts.tm_hour)):\(pad(parts.tm_min)) UTC"
    }

    private static func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
