#if canImport(Glibc)
import Glibc
#endif
@preconcurrency import Dispatch
import Synchronization

/// Reaps the server's script processes without blocking a thread per child:
/// on SIGCHLD it tries waitpid(WNOHANG) for each pid someone waits for. Only
/// pids it was asked about are reaped, so other children of the process
/// are left to their owners. Never a zombie: every spawned pid is awaited.
/// `@unchecked` only for the signal source, which is set once in init.
package final class ChildReaper: @unchecked Sendable {
    package static let shared = ChildReaper()

    private let queue = DispatchQueue(label: "hearth.child-reaper")
    private let waiting = Mutex<[pid_t: CheckedContinuation<Int32, Never>]>([:])
    private let source: any DispatchSourceSignal

    private init() {
        source = DispatchSource.makeSignalSource(signal: SIGCHLD, queue: queue)
        source.setEventHandler { ChildReaper.shared.reapWaiting() }
        source.resume()
    }

    /// Waits until `pid` exits and returns its raw wait status.
    package func waitForExit(of pid: pid_t) async -> Int32 {
        await withCheckedContinuation { continuation in
            waiting.withLock { $0[pid] = continuation }
            // The child may have exited before it was registered.
            queue.async { self.reapWaiting() }
        }
    }

    /// Runs on `queue` only, so two passes never race for one pid.
    private func reapWaiting() {
        let pids = waiting.withLock { Array($0.keys) }
        for pid in pids {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            guard result == pid || (result == -1 && errno == ECHILD) else { continue }
            waiting.withLock { $0.removeValue(forKey: pid) }?.resume(returning: status)
        }
    }
}
