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
    struct Loaded {
        var contexts: [(files: TLSCertificateFiles, context: NIOSSLContext)]
        var stamps: [FileStamp]
    }

    public let configuration: TLSListenerConfiguration
    private let loaded: Mutex<Loaded>

    /// Loads every certificate; the first failure names its file.
    public init(_ configuration: TLSListenerConfiguration) throws {
        self.configuration = configuration
        loaded = Mutex(try Self.load(configuration))
    }

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
        do {
            let fresh = try Self.load(configuration)
            loaded.withLock { $0 = fresh }
            logger.info("tls: certificates reloaded (\(reason)); new connections get them", metadata: ["files": "\(files)"])
        } catch {
            // Not retried until the files change again.
            loaded.withLock { $0.stamps = Self.stamps(configuration) }
            logger.error("tls: certificates not reloaded (\(reason)), still serving the old ones: \(error)")
        }
    }

    /// Whether any file changed since it was last read.
    func changedOnDisk() -> Bool {
        let now = Self.stamps(configuration)
        return loaded.withLock { $0.stamps != now }
    }

    private var files: String {
        configuration.certificates.map(\.certificate).joined(separator: ", ")
    }

    private static func load(_ configuration: TLSListenerConfiguration) throws -> Loaded {
        // Stamped before reading: a change during the read is seen next time.
        let stamps = stamps(configuration)
        let contexts = try configuration.certificates.map { ($0, try TLSCertificateLoader.context(for: $0, applicationProtocols: configuration.applicationProtocols)) }
        return Loaded(contexts: contexts, stamps: stamps)
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
