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
            // One event loop for all three pipes, registered concurrently:
            // one hop to the loop instead of three in a row.
            let loop = group.next()
            async let stdout = outcome { try await openInput(spawned.stdout, on: loop) }
            async let stderr = outcome { try await openInput(spawned.stderr, on: loop) }
            async let stdin = outcome { try await openStdin(spawned.stdin, on: loop) }
            let opened = await (stdout, stderr, stdin)
            guard case .success(let out) = opened.0, case .success(let err) = opened.1, case .success(let input) = opened.2 else {
                // Whichever pipes did open are closed again, not leaked.
                for channel in [try? opened.0.get().channel, try? opened.1.get().channel, try? opened.2.get()?.channel] {
                    try? await channel?.close()
                }
                for result in [opened.0.map { _ in () }, opened.1.map { _ in () }, opened.2.map { _ in () }] { try result.get() }
                preconditionFailure("a pipe failed to open without an error")
            }
            return ScriptProcess(pid: spawned.pid, stdin: input, stdout: out, stderr: err)
        } catch {
            kill(-spawned.pid, SIGKILL)
            _ = await ChildReaper.shared.waitForExit(of: spawned.pid)
            throw error
        }
    }

    private static func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    private static func openInput(_ fd: Int32, on loop: any EventLoop) async throws -> NIOAsyncChannel<ByteBuffer, Never> {
        try await NIOPipeBootstrap(group: loop).takingOwnershipOfDescriptor(input: fd) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, Never>(wrappingChannelSynchronously: channel) }
        }
    }

    private static func openStdin(_ fd: Int32?, on loop: any EventLoop) async throws -> NIOAsyncChannel<Never, ByteBuffer>? {
        guard let fd else { return nil }
        return try await NIOPipeBootstrap(group: loop).takingOwnershipOfDescriptor(output: fd) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<Never, ByteBuffer>(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
            }
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
        stdout.channel.eventLoop.scheduleTask(in: TimeAmount(grace)) { [self] in signalGroup(SIGKILL) }
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
