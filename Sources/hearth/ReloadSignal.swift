#if canImport(Glibc)
import Glibc
#endif
@preconcurrency import Dispatch

/// SIGHUP, the conventional "reload" of a Unix server: each worker pool
/// starts a new generation and drains the old one.
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
