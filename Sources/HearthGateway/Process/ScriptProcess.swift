#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Synchronization

/// A running script: its pipes on the request's event loop (so reading and
/// writing have backpressure and never block a thread), and the means to
/// stop it.
final class ScriptProcess: Sendable {
    enum StopReason: Sendable, Equatable {
        case timedOut
        case clientGone
        case cancelled
    }

    let pid: pid_t
    let eventLoop: any EventLoop
    /// Only when there is a body to feed; otherwise stdin is /dev/null.
    let stdin: ScriptStdinPipe?
    let stdout: ScriptStdout
    /// Logged as it comes (`ScriptStderrPipe`); kept to wait for its end.
    let stderr: ScriptStderrPipe
    private let state = Mutex<(reaped: Bool, stopReason: StopReason?)>((false, nil))

    private init(pid: pid_t, eventLoop: any EventLoop, pipes: Pipes) {
        self.pid = pid
        self.eventLoop = eventLoop
        self.stdin = pipes.stdin
        self.stdout = pipes.stdout
        self.stderr = pipes.stderr
    }

    /// Spawns the process and wraps its pipes; each line the script writes
    /// to stderr goes to `logStderr`.
    static func start(_ request: SpawnRequest, group: any EventLoopGroup, logStderr: @escaping @Sendable (String) -> Void) async throws -> ScriptProcess {
        let spawned = try await ProcessSpawner.start(request)
        // The request's own loop when the task runs on one (`hearth serve`):
        // reading stdout then takes no hop between threads.
        let loop = group.any()
        do {
            let pipes = try await Pipes.open(spawned, on: loop, logStderr: logStderr)
            return ScriptProcess(pid: spawned.pid, eventLoop: loop, pipes: pipes)
        } catch {
            kill(-spawned.pid, SIGKILL)
            _ = await ChildReaper.shared.waitForExit(of: spawned.pid)
            throw error
        }
    }

    /// Why the script was stopped early, if it was.
    var stopReason: StopReason? { state.withLock { $0.stopReason } }

    /// Stops the whole process group: SIGTERM, a grace period, then SIGKILL.
    /// The first reason given is kept. Returns at once; the kill sequence
    /// runs on its own.
    func stop(_ reason: StopReason, grace: Duration) {
        let first = state.withLock { state -> Bool in
            guard state.stopReason == nil, !state.reaped else { return false }
            state.stopReason = reason
            return true
        }
        guard first else { return }
        signalGroup(SIGTERM)
        eventLoop.scheduleTask(in: TimeAmount(grace)) { [self] in signalGroup(SIGKILL) }
    }

    /// Waits for the process to exit and reaps it. A process group whose
    /// leader is reaped is signalled no more: its id could be reused.
    func waitForExit() async -> Int32 {
        // Usually the script has exited by the time its output ended, and
        // the reaper's first waitpid takes it without waiting.
        let status = await ChildReaper.shared.waitForExit(of: pid)
        state.withLock { $0.reaped = true }
        return status
    }

    private func signalGroup(_ signal: Int32) {
        state.withLock { state in
            guard !state.reaped else { return }
            kill(-pid, signal)
        }
    }
}
