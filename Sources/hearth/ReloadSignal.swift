#if canImport(Glibc)
import Glibc
#endif
@preconcurrency import Dispatch

/// SIGHUP, the conventional "reload" of a Unix server: the whole
/// configuration is read again (`ConfigurationReload`). Installed before
/// the server listens, so a SIGHUP during start-up is not lost (nor does
/// it kill the server, SIGHUP's default).
final class ReloadSignal: @unchecked Sendable {
    // @unchecked: the source is set once in init and only cancelled after.
    private let source: any DispatchSourceSignal

    init(_ reload: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "hearth.reload"))
        source.setEventHandler(handler: reload)
        source.resume()
    }

    func cancel() { source.cancel() }
}
