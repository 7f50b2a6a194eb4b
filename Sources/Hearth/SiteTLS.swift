import HearthHTTP
import HearthTLS
import Logging
import ServiceLifecycle

/// The certificates of the site's TLS listeners, loaded at start-up (a
/// file that cannot serve is a configuration error naming it), re-read on
/// SIGHUP and when the files change (`TLSCertificateWatch`).
public struct SiteTLS: Sendable {
    let stores: [Int: TLSCertificateStore]

    /// Each TLS listener's certificates, then every virtual host's
    /// (`hosts[].tls`), chosen by SNI under the host's names.
    public init(_ configuration: HearthConfiguration) throws {
        let hostCertificates = configuration.hosts.compactMap(\.tls)
        var stores: [Int: TLSCertificateStore] = [:]
        for (index, var tls) in configuration.tlsListeners {
            tls.certificates += hostCertificates
            do {
                stores[index] = try TLSCertificateStore(tls)
            } catch let error as TLSCertificateError {
                throw ConfigurationError(key: Self.key(of: error.file, listener: index, in: configuration), message: error.description, position: nil)
            }
        }
        self.stores = stores
    }

    /// `hosts[1].tls` when the file is a host's, else `listen[0].tls`.
    private static func key(of file: String, listener: Int, in configuration: HearthConfiguration) -> String {
        let host = configuration.hosts.firstIndex { $0.tls?.certificate == file || $0.tls?.key == file }
        return host.map { "hosts[\($0)].tls" } ?? "listen[\(listener)].tls"
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
