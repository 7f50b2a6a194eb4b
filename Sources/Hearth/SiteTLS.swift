import HearthHTTP
import HearthTLS
import Logging
import ServiceLifecycle

/// The certificates of the site's TLS listeners, loaded at start-up (a
/// file that cannot serve is a configuration error naming it), re-read on
/// SIGHUP and when the files change (`TLSCertificateWatch`).
public struct SiteTLS: Sendable {
    let stores: [Int: TLSCertificateStore]

    public init(_ configuration: HearthConfiguration) throws {
        var stores: [Int: TLSCertificateStore] = [:]
        for (index, tls) in configuration.tlsListeners {
            do {
                stores[index] = try TLSCertificateStore(tls)
            } catch let error as TLSCertificateError {
                throw ConfigurationError(key: "listen[\(index)].tls", message: error.description, position: nil)
            }
        }
        self.stores = stores
    }

    /// What the HTTP server puts in front of each TLS listener.
    public func security(logger: Logger) -> [Int: any ListenerSecurity] {
        stores.mapValues { TLSListenerSecurity(store: $0, logger: logger) }
    }

    /// The watcher of the files, to run beside the server; nil without TLS.
    public func watch(logger: Logger) -> (any Service)? {
        stores.isEmpty ? nil : TLSCertificateWatch(stores: Array(stores.values), logger: logger)
    }

    /// SIGHUP: every listener's files read again; one that fails keeps
    /// its old certificates.
    public func reload(logger: Logger) {
        for (_, store) in stores.sorted(by: { $0.key < $1.key }) { store.reload(logger: logger, reason: "SIGHUP") }
    }
}
