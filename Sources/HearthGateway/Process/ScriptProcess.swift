#if canImport(Glibc)
import Glibc
#endif
import HearthProcess
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

        /// The reason as the metrics label it.
        var label: String {
            switch self {
            case .timedOut: "timeout"
            case .clientGone: "client_gone"
            case .cancelled: "cancelled"
            }
        }
    }

    let pid: pid_t
    let eventLoop: any EventLoop
    /// Only when there is a body to feed; otherwise stdin is /dev/null.
    let stdin: ScriptStdinPipe?
    let stdout: ScriptStdout
    /// Logged as it comes (`ScriptStderrPipe`); kept to wait for its end.
    let stderr: ScriptStderrPipe
    /// When the spawn began: a run's wall time counts from here to the reap.
    let started: ContinuousClock.Instant
    /// `killAt`: when the SIGKILL of a stop in progress is due, until sent.
    /// `reapedAt`: when the reap took the exit status.
    private let state = Mutex<(reapedAt: ContinuousClock.Instant?, stopReason: StopReason?, killAt: ContinuousClock.Instant?)>((nil, nil, nil))
    /// Who reaps the process: the request at its end (`waitForExit`), or,
    /// for a script still running after a moment, a watch that reaps it as
    /// soon as it exits (`watchExit`), so that its output can end then.
    private enum Reaping { case notYet, watched(Task<ChildExit, Never>), byTheRequest }
    private let reaping = Mutex(Reaping.notYet)

    private init(pid: pid_t, started: ContinuousClock.Instant, eventLoop: any EventLoop, pipes: Pipes) {
        self.pid = pid
        self.started = started
        self.eventLoop = eventLoop
        self.stdin = pipes.stdin
        self.stdout = pipes.stdout
        self.stderr = pipes.stderr
    }

    /// Spawns the process and wraps its pipes; each line the script writes
    /// to stderr goes to `logStderr`.
    static func start(_ request: SpawnRequest, group: any EventLoopGroup, logStderr: @escaping @Sendable (String) -> Void) async throws -> ScriptProcess {
        let started = ContinuousClock.now
        let spawned = try await ProcessSpawner.start(request)
        // The request's own loop when the task runs on one (`hearth serve`):
        // reading stdout then takes no hop between threads.
        let loop = group.any()
        do {
            let pipes = try await Pipes.open(spawned, on: loop, logStderr: logStderr)
            return ScriptProcess(pid: spawned.pid, started: started, eventLoop: loop, pipes: pipes)
        } catch {
            ProcessGroup.signal(spawned.pid, SIGKILL)
            _ = await ChildReaper.shared.waitForExit(of: spawned.pid)
            throw error
        }
    }

    /// The signal that killed the script, once its output has ended: its
    /// end of stdout closes a moment before it becomes a zombie, so a few
    /// looks a millisecond apart; nil if it exited with a status or still
    /// runs (a script may close stdout and go on).
    func killedBySignal() async -> Int32? {
        for attempt in 0..<3 {
            // Reaped already by the exit watch: its status is the watch's.
            if case .watched(let task) = reaping.withLock({ $0 }), state.withLock({ $0.reapedAt }) != nil { return await task.value.signal }
            switch ChildReaper.ending(of: pid) {
            case .killed(let signal): return signal
            // The usual end: looked at once, no wait.
            case .exited: return nil
            case .running: if attempt < 2 { try? await Task.sleep(for: .milliseconds(1)) }
            }
        }
        return nil
    }

    /// Why the script was stopped early, if it was.
    var stopReason: StopReason? { state.withLock { $0.stopReason } }

    /// Stops the whole process group: SIGTERM, a grace period, then SIGKILL.
    /// The first reason given is kept. Returns at once; the kill sequence
    /// runs on its own. A script that exits within the grace is not reaped
    /// before the SIGKILL (`untilTheGroupIsKilled`), so its descendants
    /// that ignore SIGTERM get it too.
    ///
    /// A script that had already ended by itself (a zombie not reaped yet:
    /// killed by its own signal, then its answer refused) was not stopped,
    /// and no reason is kept: its log line names its own end, not a stop
    /// it never got. Its group is stopped all the same, for what it left.
    func stop(_ reason: StopReason, grace: Duration) {
        let ended = ChildReaper.ending(of: pid) != .running
        let first = state.withLock { state -> Bool in
            guard state.stopReason == nil, state.killAt == nil, state.reapedAt == nil else { return false }
            if !ended { state.stopReason = reason }
            state.killAt = .now + grace
            return true
        }
        guard first else { return }
        signalGroup(SIGTERM)
        eventLoop.scheduleTask(in: TimeAmount(grace)) { [self] in killGroup() }
    }

    /// Waits for the process to exit and reaps it. A process group whose
    /// leader is reaped is signalled no more: its id could be reused.
    func waitForExit() async -> ChildExit {
        let watch = reaping.withLock { reaping -> Task<ChildExit, Never>? in
            guard case .watched(let task) = reaping else {
                reaping = .byTheRequest
                return nil
            }
            return task
        }
        // Usually the script has exited by the time its output ended, and
        // the reaper's first waitpid takes it without waiting.
        let status = if let watch { await watch.value } else { await ChildReaper.shared.waitForExit(of: pid, beforeReaping: untilTheGroupIsKilled) }
        state.withLock { $0.reapedAt = $0.reapedAt ?? .now }
        return status
    }

    /// What the run cost: `exit` (from `waitForExit`) and the wall time
    /// from the spawn to the reap.
    func cost(_ exit: ChildExit) -> RunCost {
        RunCost(wall: (state.withLock { $0.reapedAt } ?? .now) - started, exit: exit)
    }

    /// Reaps the script as soon as it exits and then ends its stdout once
    /// what it wrote is read (`ScriptStdout.scriptExited`): a descendant
    /// that kept the pipe (a daemon it started) holds neither the answer
    /// nor the script's slot. Costs a pidfd watch, so it is started only
    /// for a script that is still running after a moment.
    func watchExit() {
        reaping.withLock { reaping in
            guard case .notYet = reaping else { return }
            reaping = .watched(Task { [self] in
                let status = await ChildReaper.shared.waitForExit(of: pid, beforeReaping: untilTheGroupIsKilled)
                state.withLock { $0.reapedAt = .now }
                stdout.scriptExited()
                return status
            })
        }
    }

    /// Run while the exited script is still unreaped, so that its group id
    /// cannot be reused: during a stop, while anything it started still
    /// runs, the reap waits for the grace to end and the SIGKILL to go to
    /// the group (once reaped, the group is signalled no more). A script
    /// whose group is gone is reaped at once.
    @Sendable private func untilTheGroupIsKilled() async {
        while let killAt = state.withLock({ $0.killAt }), ProcessGroup.hasMembers(besides: pid) {
            let left = killAt - .now
            guard left > .zero else { break }
            do { try await Task.sleep(for: min(left, .milliseconds(20))) } catch { break }
        }
        killGroup()
    }

    private func killGroup() {
        state.withLock { state in
            guard state.killAt != nil else { return }
            state.killAt = nil
            if state.reapedAt == nil { ProcessGroup.signal(pid, SIGKILL) }
        }
    }

    private func signalGroup(_ signal: Int32) {
        state.withLock { state in
            guard state.reapedAt == nil else { return }
            ProcessGroup.signal(pid, signal)
        }
    }
}
