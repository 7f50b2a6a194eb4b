import HearthHTTP
import HearthTLS
import Logging
import ServiceLifecycle
import Synchronization

/// The certificates of the site's TLS listeners, loaded at start-up (a
/// file that cannot serve is a configuration error naming it), re-read on
/// SIGHUP and when the files change (`TLSCertificateWatch`), and changed by
/// a reload that names other files, adds a virtual host's certificate or
/// adds a TLS listener (`prepare`, then `install`).
public final class SiteTLS: Sendable {
    /// A TLS listener's certificates: each store belongs to the listener
    /// it was made for, found again on reload by its address and options
    /// (`HTTPListener`'s equality, as `HTTPServer.rebind` keeps sockets).
    struct Entry: Sendable {
        let listener: HTTPListener
        let store: TLSCertificateStore
    }

    private let entries: Mutex<[Entry]>
    /// Start-up's stores by `listen:` position, for the server's first bind.
    private let initial: [Int: TLSCertificateStore]

    /// Each TLS listener's certificates, then every virtual host's
    /// (`hosts[].tls`), chosen by SNI under the host's names.
    public init(_ configuration: HearthConfiguration) throws {
        var initial: [Int: TLSCertificateStore] = [:]
        var entries: [Entry] = []
        for (index, listener, tls) in Self.listeners(of: configuration) {
            let store = TLSCertificateStore(try Self.load(tls, listener: index, in: configuration))
            initial[index] = store
            entries.append(Entry(listener: listener, store: store))
        }
        self.initial = initial
        self.entries = Mutex(entries)
    }

    /// What the HTTP server puts in front of each TLS listener at start-up.
    public func security(logger: Logger) -> [Int: any ListenerSecurity] {
        initial.mapValues { TLSListenerSecurity(store: $0, logger: logger) }
    }

    /// The watcher of the files, to run beside the server: it follows the
    /// stores a reload adds or changes.
    public func watch(logger: Logger) -> any Service {
        TLSCertificateWatch(stores: { [self] in entries.withLock { $0.map(\.store) } }, logger: logger)
    }

    /// SIGHUP: every listener's files read again; one that fails keeps
    /// its old certificates.
    public func reload(logger: Logger) {
        for entry in entries.withLock({ $0 }) { entry.store.reload(logger: logger, reason: "SIGHUP") }
    }

    /// A reload's certificates, every one read and checked before anything
    /// changes: a file that cannot serve fails the reload, naming its key.
    public struct Prepared: Sendable {
        /// Listeners served now whose files change.
        let changed: [(store: TLSCertificateStore, loaded: TLSCertificateStore.Loaded)]
        /// Listeners the reload adds, with their stores.
        let added: [Entry]

        /// The security of a TLS listener the reload adds, for its bind.
        public func security(for listener: HTTPListener, logger: Logger) -> (any ListenerSecurity)? {
            added.first { $0.listener == listener }.map { TLSListenerSecurity(store: $0.store, logger: logger) }
        }
    }

    public func prepare(_ configuration: HearthConfiguration) throws -> Prepared {
        let current = entries.withLock { $0 }
        var changed: [(store: TLSCertificateStore, loaded: TLSCertificateStore.Loaded)] = []
        var added: [Entry] = []
        for (index, listener, tls) in Self.listeners(of: configuration) {
            if let served = current.first(where: { $0.listener == listener }) {
                guard served.store.configuration != tls else { continue }
                changed.append((served.store, try Self.load(tls, listener: index, in: configuration)))
            } else {
                added.append(Entry(listener: listener, store: TLSCertificateStore(try Self.load(tls, listener: index, in: configuration))))
            }
        }
        return Prepared(changed: changed, added: added)
    }

    /// Applies `prepared` once the listeners are rebound: changed files go
    /// to the stores of the listeners served, and the stores of those
    /// `served` now are kept (an added listener that could not be bound
    /// brings none; a removed one's store goes).
    public func install(_ prepared: Prepared, served: [HTTPListener], logger: Logger) {
        for (store, loaded) in prepared.changed { store.install(loaded, logger: logger) }
        entries.withLock { entries in
            entries = (entries + prepared.added).filter { entry in served.contains(entry.listener) }
        }
    }

    /// Each TLS listener of `configuration` with its position, its
    /// listener and its certificates, the virtual hosts' appended.
    private static func listeners(of configuration: HearthConfiguration) -> [(Int, HTTPListener, TLSListenerConfiguration)] {
        let hostCertificates = configuration.hosts.compactMap(\.tls)
        let served = configuration.server.servedListeners
        return configuration.tlsListeners.sorted { $0.key < $1.key }.map { index, tls in
            var tls = tls
            tls.certificates += hostCertificates
            return (index, index < served.count ? served[index] : HTTPListener(), tls)
        }
    }

    private static func load(_ tls: TLSListenerConfiguration, listener index: Int, in configuration: HearthConfiguration) throws -> TLSCertificateStore.Loaded {
        do {
            return try TLSCertificateStore.load(tls)
        } catch let error as TLSCertificateError {
            throw ConfigurationError(key: key(of: error.file, listener: index, in: configuration), message: error.description, position: nil)
        }
    }

    /// `hosts[1].tls` when the file is a host's, else `listen[0].tls`.
    private static func key(of file: String, listener: Int, in configuration: HearthConfiguration) -> String {
        let host = configuration.hosts.firstIndex { $0.tls?.certificate == file || $0.tls?.key == file }
        return host.map { "hosts[\($0)].tls" } ?? "listen[\(listener)].tls"
    }
}
