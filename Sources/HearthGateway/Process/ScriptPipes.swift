#if canImport(Glibc)
import Glibc
#endif
import HearthProcess
import NIOCore
import NIOPosix

extension ScriptProcess {
    /// The parent's ends of a script's pipes, as channels on one event loop.
    struct Pipes: Sendable {
        /// Written from the request's task (`ScriptRun`), one chunk at a
        /// time; a channel only once the pipe is full (`ScriptStdinPipe`).
        var stdin: ScriptStdinPipe?
        var stdout: ScriptStdout
        var stderr: ScriptStderrPipe

        /// Registers stdout; stdin and stderr are registered only if they
        /// have to be (`ScriptStdinPipe`, `ScriptStderrPipe`). All are
        /// closed again if the registration failed.
        static func open(_ spawned: SpawnedProcess, on loop: any EventLoop, logStderr: @escaping @Sendable (String) -> Void) async throws -> Pipes {
            let stdout = ScriptStdout(eventLoop: loop, descriptor: spawned.stdout)
            let stdoutChannel = NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(stdout) } }
                .takingOwnershipOfDescriptor(input: spawned.stdout)
            let stderr = ScriptStderrPipe(fd: spawned.stderr, on: loop, log: logStderr)
            let stdin = spawned.stdin.map { ScriptStdinPipe(fd: $0, on: loop) }
            do {
                _ = try await stdoutChannel.get()
                return Pipes(stdin: stdin, stdout: stdout, stderr: stderr)
            } catch {
                stderr.close()
                stdin?.close()
                throw error
            }
        }
    }
}
