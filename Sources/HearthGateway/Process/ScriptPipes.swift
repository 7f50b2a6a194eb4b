#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

extension ScriptProcess {
    /// The parent's ends of a script's pipes, as channels on one event loop.
    struct Pipes: Sendable {
        /// A plain channel, written from the request's task (`ScriptRun`):
        /// one chunk in flight at a time, so no async writer is needed.
        var stdin: (any Channel)?
        var stdout: ScriptStdout
        var stderr: ScriptStderrPipe

        /// Registers stdout and stdin together (one hop to the loop, one
        /// wait for both); stderr is registered only if it has to be
        /// (`ScriptStderrPipe`). Whichever did open are closed again if one
        /// failed.
        static func open(_ spawned: SpawnedProcess, on loop: any EventLoop, logStderr: @escaping @Sendable (String) -> Void) async throws -> Pipes {
            let stdout = ScriptStdout(eventLoop: loop)
            let stdoutChannel = NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(stdout) } }
                .takingOwnershipOfDescriptor(input: spawned.stdout)
            let stderr = ScriptStderrPipe(fd: spawned.stderr, on: loop, log: logStderr)
            let stdin = spawned.stdin.map { openStdin($0, on: loop) } ?? loop.makeSucceededFuture(nil)
            // Both are in flight already: waiting in turn costs nothing.
            do {
                _ = try await stdoutChannel.get()
                let stdinChannel = try await stdin.get()
                return Pipes(stdin: stdinChannel, stdout: stdout, stderr: stderr)
            } catch {
                try? await stdoutChannel.get().close()
                stderr.close()
                try? await stdin.get()?.close()
                throw error
            }
        }

        private static func openStdin(_ fd: Int32, on loop: any EventLoop) -> EventLoopFuture<(any Channel)?> {
            NIOPipeBootstrap(group: loop).takingOwnershipOfDescriptor(output: fd).map { $0 }
        }
    }
}
