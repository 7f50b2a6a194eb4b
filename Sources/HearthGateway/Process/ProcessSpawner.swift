#if canImport(Glibc)
import Glibc
#endif
import CHearthSpawn

/// What to start: an executable, its argv, its environment and directory.
package struct SpawnRequest {
    package var executable: String
    package var arguments: [String]
    package var environment: [(name: String, value: String)]
    package var workingDirectory: String
    /// A file to use as stdin instead of a pipe (a spooled request body, or
    /// a FastCGI worker's listening socket).
    package var stdinFile: Int32?

    package init(executable: String, arguments: [String], environment: [(name: String, value: String)], workingDirectory: String, stdinFile: Int32? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stdinFile = stdinFile
    }
}

/// A started child: its pid (also its process group id) and the parent's
/// ends of its pipes. The pipe ends are owned by the caller.
package struct SpawnedProcess {
    package var pid: pid_t
    package var stdin: Int32?
    package var stdout: Int32
    package var stderr: Int32
}

struct SpawnError: Error, CustomStringConvertible {
    var operation: String
    var code: Int32
    var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// Starts processes with posix_spawn (vfork speed even from a large server:
/// fork falls to a tenth of the rate once the parent holds 512 MB), never
/// through a shell (Shellshock), each in its own process group so that a
/// timeout can stop the script and everything it started.
package enum ProcessSpawner {
    package static func spawn(_ request: SpawnRequest) throws -> SpawnedProcess {
        // Before the first child can exit: the reaper makes sure exit
        // statuses are kept (SIGCHLD not ignored).
        _ = ChildReaper.shared
        var pipes = PipeSet()
        defer { pipes.closeChildEnds() }
        do {
            try pipes.open(needStdin: request.stdinFile == nil)
            return pipes.handOver(pid: try start(request, pipes: pipes))
        } catch {
            pipes.closeParentEnds()
            throw error
        }
    }

    private static func start(_ request: SpawnRequest, pipes: PipeSet) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, request.stdinFile ?? pipes.stdin.read, 0)
        posix_spawn_file_actions_adddup2(&actions, pipes.stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, pipes.stderr.write, 2)
        // Nothing of the server's (sockets, other scripts' pipes) leaks in.
        hearth_spawn_addclosefrom(&actions, 3)
        // RFC 3875 §7.2: the working directory SHOULD be the script's.
        hearth_spawn_addchdir(&actions, request.workingDirectory)
        var attributes = try SpawnAttributes()
        defer { attributes.destroy() }
        return try withCStrings(request.arguments) { argv in
            try withCStrings(request.environment.map { "\($0.name)=\($0.value)" }) { envp in
                var pid: pid_t = 0
                var result = posix_spawn(&pid, request.executable, &actions, &attributes.raw, argv, envp)
                // ETXTBSY: a file just written is still open for writing in
                // a child some other thread forked and has not exec'd yet (Go
                // #22315); that lasts microseconds, so try a few times.
                for _ in 0..<5 where result == ETXTBSY {
                    usleep(2_000)
                    result = posix_spawn(&pid, request.executable, &actions, &attributes.raw, argv, envp)
                }
                guard result == 0 else { throw SpawnError(operation: "posix_spawn \(request.executable)", code: result) }
                return pid
            }
        }
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) throws -> R) throws -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return try body(pointers)
    }
}

/// posix_spawn attributes: a new process group, default signal dispositions
/// (the server ignores SIGPIPE; a script must not inherit that) and an
/// empty signal mask.
private struct SpawnAttributes {
    var raw = posix_spawnattr_t()

    init() throws {
        posix_spawnattr_init(&raw)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        var noSignal = sigset_t()
        sigemptyset(&noSignal)
        posix_spawnattr_setsigdefault(&raw, &everySignal)
        posix_spawnattr_setsigmask(&raw, &noSignal)
        posix_spawnattr_setpgroup(&raw, 0)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        let result = posix_spawnattr_setflags(&raw, Int16(flags))
        guard result == 0 else { throw SpawnError(operation: "posix_spawnattr_setflags", code: result) }
    }

    mutating func destroy() { posix_spawnattr_destroy(&raw) }
}

/// The three pipes of a child, all close-on-exec until dup2'd into place.
private struct PipeSet {
    struct Pipe { var read: Int32 = -1; var write: Int32 = -1 }
    var stdin = Pipe(), stdout = Pipe(), stderr = Pipe()

    mutating func open(needStdin: Bool) throws {
        if needStdin { stdin = try Self.makePipe() }
        stdout = try Self.makePipe()
        stderr = try Self.makePipe()
    }

    static func makePipe() throws -> Pipe {
        var fds: [Int32] = [-1, -1]
        guard hearth_pipe_cloexec(&fds) == 0 else { throw SpawnError(operation: "pipe2", code: errno) }
        return Pipe(read: fds[0], write: fds[1])
    }

    /// After spawning, the parent keeps only its own ends.
    mutating func closeChildEnds() {
        for fd in [stdin.read, stdout.write, stderr.write] where fd >= 0 { close(fd) }
        stdin.read = -1; stdout.write = -1; stderr.write = -1
    }

    /// On failure before hand-over, the parent's ends are closed too.
    func closeParentEnds() {
        for fd in [stdin.write, stdout.read, stderr.read] where fd >= 0 { close(fd) }
    }

    func handOver(pid: pid_t) -> SpawnedProcess {
        SpawnedProcess(pid: pid, stdin: stdin.write >= 0 ? stdin.write : nil, stdout: stdout.read, stderr: stderr.read)
    }
}
