#if canImport(Glibc)
import Glibc
#endif
import CHearthSpawn
@preconcurrency import Dispatch
import Synchronization

/// Reaps the server's script and worker processes without blocking a
/// thread per child, and without SIGCHLD: a waiter watches its own child's
/// pidfd (pidfd_open(2)), which polls readable once that child has exited,
/// and reaps that pid alone, so other children of the process are left to
/// their owners. Never a zombie: every spawned pid is awaited.
///
/// A SIGCHLD handler would interrupt the server for every script that
/// exits, although nearly all are reaped at once when their output ends
/// (`ScriptProcess.waitForExit`); with no handler the signal is discarded
/// by the kernel, and only a child that outlives its output costs a wake-up.
public final class ChildReaper: Sendable {
    public static let shared = ChildReaper()

    private let queue = DispatchQueue(label: "hearth.child-reaper")

    /// Every child spawned and not yet reaped, which `sweepOrphans` leaves
    /// to its owner, and how many spawns are between their clone and
    /// their entry here (a sweep then waits for the next second).
    private let spawned = Mutex((pids: Set<pid_t>(), starting: 0))

    private init() {
        if hearth_adopts_orphans() != 0 { startOrphanSweep() }
    }

    /// Brackets a spawn: `start` returns the child's pid, which is then
    /// the owner's to reap with `waitForExit(of:)`.
    public func spawn(_ start: () throws -> pid_t) rethrows -> pid_t {
        spawned.withLock { $0.starting += 1 }
        let pid: pid_t
        do {
            pid = try start()
        } catch {
            spawned.withLock { $0.starting -= 1 }
            throw error
        }
        spawned.withLock { state in
            state.starting -= 1
            state.pids.insert(pid)
        }
        return pid
    }

    /// As PID 1 (a container without an init) or a child subreaper, the
    /// server inherits every orphan of its scripts: a script that
    /// backgrounds children and exits leaves them to us, and their zombies
    /// would use up `pids.max`. Once a second, every exited child that
    /// nobody spawned is reaped, without ever taking the status of one
    /// that was.
    private func startOrphanSweep() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .seconds(1), repeating: .seconds(1))
        timer.setEventHandler { [self] in sweepOrphans() }
        timer.resume()
        orphanTimer.withLock { $0 = timer }
    }

    private let orphanTimer = Mutex<(any DispatchSourceTimer)?>(nil)

    /// Looks at the first exited child (waitid WNOWAIT): an orphan is
    /// reaped and the next one looked at; one of the server's own stops
    /// the sweep (its owner reaps it in a moment; the next sweep goes on).
    /// The lock keeps a spawn from claiming a pid between look and reap.
    private func sweepOrphans() {
        spawned.withLock { state in
            guard state.starting == 0 else { return }
            while case let pid = hearth_exited_child(), pid > 0, !state.pids.contains(pid) {
                var status: Int32 = 0
                _ = waitpid(pid, &status, WNOHANG)
            }
        }
    }

    /// Waits until `pid` exits and returns how it ended and what it cost.
    public func waitForExit(of pid: pid_t) async -> ChildExit {
        await wait(for: pid) { Self.reap(pid) }
    }

    /// Waits until `pid` exits, runs `beforeReaping` while it is still a
    /// zombie, then reaps it. Until the reap its pid, and the id of the
    /// process group it leads, cannot be reused, so `beforeReaping` may
    /// still signal that group (`ScriptProcess`: the SIGKILL due after a
    /// grace period reaches descendants that outlived their leader).
    public func waitForExit(of pid: pid_t, beforeReaping: @Sendable () async -> Void) async -> ChildExit {
        _ = await wait(for: pid) { Self.hasExited(pid) ? ChildExit(status: 0) : nil }
        await beforeReaping()
        return await waitForExit(of: pid)
    }

    /// Calls `done` now, then each time `pid`'s pidfd polls readable (or,
    /// without a pidfd, on a backing-off timer) until it returns a value.
    private func wait(for pid: pid_t, until done: @escaping @Sendable () -> ChildExit?) async -> ChildExit {
        if let status = done() { return status }
        let pidfd = hearth_pidfd_open(pid)
        return await withCheckedContinuation { continuation in
            if pidfd >= 0 {
                watch(pidfd: pidfd, until: done, continuation)
            } else {
                // No pidfd (a kernel before 5.3, or no descriptor left).
                poll(after: .milliseconds(1), until: done, continuation)
            }
        }
    }

    private func watch(pidfd: Int32, until done: @escaping @Sendable () -> ChildExit?, _ continuation: CheckedContinuation<ChildExit, Never>) {
        let source = DispatchSource.makeReadSource(fileDescriptor: pidfd, queue: queue)
        source.setEventHandler {
            guard let status = done() else { return }
            // Cancelling from the handler: it is not called again.
            source.cancel()
            continuation.resume(returning: status)
        }
        source.setCancelHandler { close(pidfd) }
        source.resume()
    }

    /// Tries again later, backing off to ten times a second.
    private func poll(after delay: DispatchTimeInterval, until done: @escaping @Sendable () -> ChildExit?, _ continuation: CheckedContinuation<ChildExit, Never>) {
        queue.asyncAfter(deadline: .now() + delay) {
            guard let status = done() else {
                return self.poll(after: Self.longer(delay), until: done, continuation)
            }
            continuation.resume(returning: status)
        }
    }

    private static func longer(_ delay: DispatchTimeInterval) -> DispatchTimeInterval {
        guard case .milliseconds(let milliseconds) = delay else { return .milliseconds(100) }
        return .milliseconds(min(milliseconds * 2, 100))
    }

    /// How a child ended, looked at before it is reaped.
    public enum Ending: Sendable, Equatable {
        /// Still running.
        case running
        /// Exited with a status (or was reaped elsewhere: its status is gone).
        case exited
        /// Killed by this signal.
        case killed(Int32)
    }

    /// How `pid` ended, looked at without reaping it (waitid with WNOWAIT).
    public static func ending(of pid: pid_t) -> Ending {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { return errno == ECHILD ? .exited : .running }
        // WNOHANG with nothing to report leaves si_pid zero (the struct was zeroed).
        guard info._sifields._kill.si_pid == pid else { return .running }
        let code = info.si_code
        return code == Int32(CLD_KILLED) || code == Int32(CLD_DUMPED) ? .killed(info._sifields._sigchld.si_status) : .exited
    }

    /// Whether `pid` has exited (or was reaped elsewhere), leaving it to be
    /// reaped.
    private static func hasExited(_ pid: pid_t) -> Bool { ending(of: pid) != .running }

    /// How `pid` ended if it has exited (status 0 and no cost if it was
    /// reaped elsewhere), nil while it runs.
    private static func reap(_ pid: pid_t) -> ChildExit? {
        var status: Int32 = 0
        var usage = rusage()
        let result = wait4(pid, &status, WNOHANG, &usage)
        if result == pid || (result == -1 && errno == ECHILD) {
            _ = shared.spawned.withLock { $0.pids.remove(pid) }
            return result == pid ? ChildExit(status: status, usage: usage) : ChildExit(status: 0)
        }
        return nil
    }
}

