import Logging
import ServiceLifecycle

/// Polls the certificate files (`check_interval`) and reloads a store
/// whose files changed, as the pools' `reload_on_change` does for
/// scripts: certbot's renewal is seen without a SIGHUP.
public struct TLSCertificateWatch: Service {
    /// The stores to watch, asked on every round: a reload may add a TLS
    /// listener, or change a store's files.
    let stores: @Sendable () -> [TLSCertificateStore]
    let logger: Logger

    public init(stores: @escaping @Sendable () -> [TLSCertificateStore], logger: Logger) {
        self.stores = stores
        self.logger = logger
    }

    /// How often the files are looked at with no TLS listener (yet).
    static let idleInterval = Duration.seconds(5)

    public func run() async {
        // A graceful shutdown cancels the sleep: the watch ends, not the
        // server with an error.
        await cancelWhenGracefulShutdown {
            while (try? await Task.sleep(for: interval)) != nil {
                for store in stores() where store.changedOnDisk() {
                    store.reload(logger: logger, reason: "the files changed")
                }
            }
        }
    }

    private var interval: Duration {
        stores().map(\.configuration.checkInterval).min() ?? Self.idleInterval
    }
}
