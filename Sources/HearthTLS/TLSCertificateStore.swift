#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOSSL
import Synchronization

/// A listener's certificates as contexts, swapped whole on reload: a new
/// connection takes the contexts current when its ClientHello arrives; one
/// in flight keeps the context its handshake used.
public final class TLSCertificateStore: Sendable {
    /// A configuration's certificates, read and checked: what a store
    /// serves, or will serve once a reload installs it.
    public struct Loaded: Sendable {
        public let configuration: TLSListenerConfiguration
        var contexts: [(files: TLSCertificateFiles, context: NIOSSLContext)]
        var stamps: [FileStamp]
    }

    private let loaded: Mutex<Loaded>

    /// Loads every certificate; the first failure names its file.
    public convenience init(_ configuration: TLSListenerConfiguration) throws {
        self.init(try Self.load(configuration))
    }

    public init(_ loaded: Loaded) {
        self.loaded = Mutex(loaded)
    }

    /// The certificate files and options served now.
    public var configuration: TLSListenerConfiguration { loaded.withLock { $0.configuration } }

    /// The context for the client's SNI name: the first certificate that
    /// lists it, else the first (the default).
    func context(for serverName: String?) -> NIOSSLContext {
        loaded.withLock { loaded in
            let match = serverName.flatMap { name in loaded.contexts.first { $0.files.serves(name) } }
            return (match ?? loaded.contexts[0]).context
        }
    }

    /// Reads the files again; a certificate that fails keeps the old set
    /// (all of it: a half-applied set could pair names with the wrong
    /// chain) and the log says why.
    public func reload(logger: Logger, reason: String) {
        let configuration = self.configuration
        do {
            let fresh = try Self.load(configuration)
            loaded.withLock { $0 = fresh }
            logger.info("tls: certificates reloaded (\(reason)); new connections get them", metadata: ["files": "\(Self.files(configuration))"])
        } catch {
            // Not retried until the files change again.
            loaded.withLock { $0.stamps = Self.stamps(configuration) }
            logger.error("tls: certificates not reloaded (\(reason)), still serving the old ones: \(error)")
        }
    }

    /// A reload's new certificate files (another path, a virtual host's
    /// certificate added), loaded before by `load`: new connections get
    /// them, those in flight keep their session.
    public func install(_ fresh: Loaded, logger: Logger) {
        loaded.withLock { $0 = fresh }
        logger.info("tls: certificate files changed by the reload; new connections get them", metadata: ["files": "\(Self.files(fresh.configuration))"])
    }

    /// Whether any file changed since it was last read.
    func changedOnDisk() -> Bool {
        let (configuration, stamps) = loaded.withLock { ($0.configuration, $0.stamps) }
        return stamps != Self.stamps(configuration)
    }

    private static func files(_ configuration: TLSListenerConfiguration) -> String {
        configuration.certificates.map(\.certificate).joined(separator: ", ")
    }

    /// Reads and checks every certificate of `configuration`; the first
    /// failure names its file.
    public static func load(_ configuration: TLSListenerConfiguration) throws -> Loaded {
        // Stamped before reading: a change during the read is seen next time.
        let stamps = stamps(configuration)
        let contexts = try configuration.certificates.map { ($0, try TLSCertificateLoader.context(for: $0, applicationProtocols: configuration.applicationProtocols)) }
        return Loaded(configuration: configuration, contexts: contexts, stamps: stamps)
    }

    private static func stamps(_ configuration: TLSListenerConfiguration) -> [FileStamp] {
        configuration.certificates.flatMap { [FileStamp(path: $0.certificate), FileStamp(path: $0.key)] }
    }
}

/// What tells a replaced file from the one read: certbot renews by
/// writing new files and repointing symlinks (a new inode), an editor may
/// rewrite in place (a new mtime or size). stat(2) follows the links.
struct FileStamp: Equatable {
    var inode: UInt64 = 0
    var modified: Int = 0
    var modifiedNanoseconds: Int = 0
    var size: Int64 = -1

    init(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        inode = UInt64(info.st_ino)
        modified = info.st_mtim.tv_sec
        modifiedNanoseconds = info.st_mtim.tv_nsec
        size = Int64(info.st_size)
    }
}
