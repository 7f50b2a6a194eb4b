import Logging
import ServiceLifecycle

/// Polls the certificate files (`check_interval`) and reloads a store
/// whose files changed, as the pools' `reload_on_change` does for
/// scripts: certbot's renewal is seen without a SIGHUP.
public struct TLSCertificateWatch: Service {
    let stores: [TLSCertificateStore]
    let logger: Logger

    public init(stores: [TLSCertificateStore], logger: Logger) {
        self.stores = stores
        self.logger = logger
    }

    public func run() async {
        guard let interval = stores.map(\.configuration.checkInterval).min() else { return }
        // A graceful shutdown cancels the sleep: the watch ends, not the
        // server with an error.
        await cancelWhenGracefulShutdown {
            while (try? await Task.sleep(for: interval)) != nil {
                for store in stores where store.changedOnDisk() {
                    store.reload(logger: logger, reason: "the files changed")
                }
            }
        }
    }
}
