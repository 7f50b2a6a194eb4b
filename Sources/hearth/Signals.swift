#if canImport(Glibc)
import Glibc
#endif
@preconcurrency import Dispatch

/// The signals `hearth serve` handles itself, beside the SIGTERM and SIGINT
/// of its service group: SIGHUP (reload) and SIGUSR1 (reopen the logs).
/// Their default action ends a process, so one sent by systemd or
/// logrotate while the server is still starting (building its site,
/// warming its pools) would kill it, and one that arrives while a handler
/// is being installed would be dropped.
enum HeldSignals {
    static let numbers = [SIGHUP, SIGUSR1]

    /// Blocks them in the main thread, first thing, before any other thread
    /// exists: every thread inherits the mask, so a signal that arrives
    /// before its handler waits, pending, and the handler (a dispatch
    /// source, read through a signalfd) takes it once installed. Scripts
    /// and workers start with an empty mask whatever the server's (the
    /// spawn clears it). Only for `serve`: a one-shot command (`doctor`,
    /// `check`, ...) keeps the default actions.
    static func holdIfServing(arguments: [String]) {
        let command = arguments.dropFirst().first
        guard command == nil || command == "serve" || command!.hasPrefix("-") else { return }
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers { sigaddset(&set, number) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }
}

/// Runs an action each time a signal arrives, on a queue of its own: SIGHUP
/// reloads the configuration (`ConfigurationReload`), SIGUSR1 reopens the
/// log files.
final class SignalAction: @unchecked Sendable {
    // @unchecked: the source is set once in init and only cancelled after.
    private let source: any DispatchSourceSignal

    /// No `SIG_IGN` first, as is usual before a dispatch source: it would
    /// discard a signal already pending (POSIX `sigaction`), the one
    /// `HeldSignals` kept for this handler.
    init(_ signal: Int32, label: String, _ action: @escaping @Sendable () -> Void) {
        source = DispatchSource.makeSignalSource(signal: signal, queue: DispatchQueue(label: "hearth.\(label)"))
        source.setEventHandler(handler: action)
        source.resume()
    }

    func cancel() { source.cancel() }
}
