#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Synchronization

/// A running script: its pipes as NIO channels (so reading and writing have
/// backpressure and never block a thread), and the means to stop it.
final class ScriptProcess: Sendable {
    enum StopReason: Sendable, Equatable {
        case timedOut
        case clientGone
        case cancelled
    }

    let pid: pid_t
    let stdin: NIOAsyncChannel<Never, ByteBuffer>?
    let stdout: NIOAsyncChannel<ByteBuffer, Never>
    let stderr: NIOAsyncChannel<ByteBuffer, Never>
    private let state = Mutex<(reaped: Bool, stopReason: StopReason?)>((false, nil))

    private init(pid: pid_t, stdin: NIOAsyncChannel<Never, ByteBuffer>?, stdout: NIOAsyncChannel<ByteBuffer, Never>, stderr: NIOAsyncChannel<ByteBuffer, Never>) {
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Spawns the process and wraps its pipes.
    static func start(_ request: SpawnRequest, group: any EventLoopGroup) async throws -> ScriptProcess {
        let spawned = try ProcessSpawner.spawn(request)
        do {
            let bootstrap = NIOPipeBootstrap(group: group)
            let stdout = try await bootstrap.takingOwnershipOfDescriptor(input: spawned.stdout) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, Never>(wrappingChannelSynchronously: channel) }
            }
            let stderr = try await bootstrap.takingOwnershipOfDescriptor(input: spawned.stderr) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, Never>(wrappingChannelSynchronously: channel) }
            }
            var stdin: NIOAsyncChannel<Never, ByteBuffer>?
            if let fd = spawned.stdin {
                stdin = try await bootstrap.takingOwnershipOfDescriptor(output: fd) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<Never, ByteBuffer>(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                    }
                }
            }
            return ScriptProcess(pid: spawned.pid, stdin: stdin, stdout: stdout, stderr: stderr)
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
        Task { [self] in
            try? await Task.sleep(for: grace)
            signalGroup(SIGKILL)
        }
    }

    /// Waits for the process to exit and reaps it. A process group whose
    /// leader is reaped is signalled no more: its id could be reused.
    func waitForExit() async -> Int32 {
        // Usually the script has exited by the time its output ended: reap it
        // here, without the round trip through SIGCHLD and the reaper's queue.
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            state.withLock { $0.reaped = true }
            return status
        }
        status = await ChildReaper.shared.waitForExit(of: pid)
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
