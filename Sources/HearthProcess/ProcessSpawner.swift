#if canImport(Glibc)
import Glibc
#endif
import CHearthSpawn

/// What to start: an executable, its argv, its environment and directory.
public struct SpawnRequest: Sendable {
    public var executable: String
    public var arguments: [String]
    public var environment: [(name: String, value: String)]
    public var workingDirectory: String
    /// A file to use as stdin instead of a pipe (a spooled request body, or
    /// a FastCGI worker's listening socket).
    public var stdinFile: Int32?
    /// Set in the child before its exec (`limits:` of a mount or pool).
    public var limits: [ResourceLimit] = []
    /// Descriptors of `cgroup.procs` files: the child joins those control
    /// groups before anything else.
    public var controlGroups: [Int32] = []
    /// Who the child becomes; nil: the server's own user.
    public var credentials: SpawnCredentials?
    /// Started as another user by the privileged spawner, under the policy
    /// this names (`run_as`); nil: by this process, as itself.
    public var runAs: RunAsTicket?
    /// The child becomes a child of this process's parent (the privileged
    /// spawner's server), which reaps it.
    var asSibling = false
    /// Files to use as stdout and stderr instead of pipes (the privileged
    /// spawner's own, and the ones it is handed).
    var stdoutFile: Int32?
    var stderrFile: Int32?

    public init(executable: String, arguments: [String], environment: [(name: String, value: String)], workingDirectory: String, stdinFile: Int32? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stdinFile = stdinFile
    }

    /// Whether the child must be confined, which only the clone3 path does.
    var confines: Bool { !limits.isEmpty || !controlGroups.isEmpty || credentials != nil || asSibling }
}

/// A `run_as` spawn: which of the privileged spawner's policies, and the
/// file a client named (the script every suEXEC check applies to; nil for
/// a pool's command).
public struct RunAsTicket: Sendable, Equatable {
    public var policy: Int
    public var script: String?

    public init(policy: Int, script: String?) {
        self.policy = policy
        self.script = script
    }
}

/// One setrlimit(2) of a child: `resource` is an `RLIMIT_*` number.
public struct ResourceLimit: Sendable, Equatable {
    public var resource: Int32
    public var soft: UInt64
    public var hard: UInt64

    public init(resource: Int32, soft: UInt64, hard: UInt64) {
        self.resource = resource
        self.soft = soft
        self.hard = hard
    }

    /// The same value for soft and hard: a script cannot raise it.
    public init(resource: Int32, value: UInt64) {
        self.init(resource: resource, soft: value, hard: value)
    }
}

/// The ids a child runs with: its user, group and supplementary groups.
public struct SpawnCredentials: Sendable, Equatable {
    public var uid: uid_t
    public var gid: gid_t
    public var groups: [gid_t]

    public init(uid: uid_t, gid: gid_t, groups: [gid_t]) {
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }
}

/// A started child: its pid (also its process group id) and the parent's
/// ends of its pipes. The pipe ends are owned by the caller.
public struct SpawnedProcess: Sendable {
    public var pid: pid_t
    public var stdin: Int32?
    public var stdout: Int32
    public var stderr: Int32
}

/// A process could not be started: the call that failed and its errno.
public struct SpawnError: Error, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    /// The step of the child that failed ("execve", "setresuid"…).
    public var step: String = "spawn"
    /// A child started as a sibling whose exec failed: the caller reaps it.
    public var unreapedSibling: pid_t? = nil
    public var description: String {
        let reason = String(cString: strerror(code))
        return step == "spawn" || step == "execve" ? "\(operation): \(reason)" : "\(operation): \(step): \(reason)"
    }
}

/// Starts processes the way posix_spawn does (`hearth_spawn`, vfork speed
/// even from a large server: fork falls to a tenth of the rate once the
/// parent holds 512 MB), never through a shell (Shellshock), each in its own
/// process group so that a timeout can stop the script and everything it
/// started, with default signal dispositions (the server ignores SIGPIPE; a
/// script must not inherit that) and an empty signal mask.
public enum ProcessSpawner {
    /// `spawn`, tried again a few times, backing off from 1 ms, while the
    /// executable is busy: ETXTBSY means a file just written is still open
    /// for writing in a child that some other thread forked and that has
    /// not exec'd yet (Go #22315). That usually lasts microseconds, but a
    /// child that closes thousands of descriptors before its exec (as
    /// Foundation's Process does) holds it for milliseconds.
    public static func start(_ request: SpawnRequest) async throws -> SpawnedProcess {
        var delay = Duration.milliseconds(1)
        for _ in 0..<8 {
            do {
                return try spawn(request)
            } catch let error as SpawnError where error.code == ETXTBSY {
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
        return try spawn(request)
    }

    /// The ways a child can be started, every one held to the same
    /// contract: clone3 with descriptor slots (the default where the
    /// kernel allows it), clone3 copying the whole table (no free slot
    /// group), clone3 closing descriptors one by one (close_range refused:
    /// a kernel before 5.9, a seccomp filter), and glibc's posix_spawn
    /// (clone3 refused, or not x86-64).
    public enum Path: Int32, Sendable, CaseIterable {
        case automatic = 0
        case posixSpawn = 1
        case withoutSlots = 2
        case withoutCloseRange = 3
    }

    /// `spawn` by the given path: for tests that hold each path to the
    /// contract (a server never chooses; `hearth_spawn` does).
    public static func spawn(_ request: SpawnRequest, path: Path) throws -> SpawnedProcess {
        hearth_spawn_force_path(path.rawValue)
        defer { hearth_spawn_force_path(Path.automatic.rawValue) }
        return try spawn(request)
    }

    public static func spawn(_ request: SpawnRequest) throws -> SpawnedProcess {
        // Before the first child can exit: the reaper makes sure exit
        // statuses are kept (SIGCHLD not ignored).
        _ = ChildReaper.shared
        var pipes = PipeSet()
        defer { pipes.closeChildEnds() }
        do {
            try pipes.open(needStdin: request.stdinFile == nil, needOutput: request.stdoutFile == nil, needErrors: request.stderrFile == nil)
            let pid = try ChildReaper.shared.spawn {
                guard let ticket = request.runAs else { return try startChild(request, pipes: pipes) }
                return try PrivilegedSpawner.spawn(request, ticket: ticket, stdio: pipes.childEnds(of: request))
            }
            return pipes.handOver(pid: pid)
        } catch {
            pipes.closeParentEnds()
            // A run_as child whose exec failed is ours to reap.
            if let failure = error as? SpawnError, let sibling = failure.unreapedSibling {
                var status: Int32 = 0
                while waitpid(sibling, &status, 0) < 0 && errno == EINTR {}
            }
            throw error
        }
    }

    private static func startChild(_ request: SpawnRequest, pipes: PipeSet) throws -> pid_t {
        try startChild(request, stdio: pipes.childEnds(of: request))
    }

    /// Starts the child on the given descriptors, with no pipes and no
    /// reaper: the privileged spawner's way, for a sibling its server reaps.
    static func startChild(_ request: SpawnRequest, stdio: (Int32, Int32, Int32)) throws -> pid_t {
        let pid = exec(
            request, argv: CStringArray(request.arguments), envp: CStringArray(pairs: request.environment),
            // RFC 3875 §7.2: the working directory SHOULD be the script's.
            paths: CStringArray([request.executable, request.workingDirectory]),
            stdio: stdio
        )
        guard pid > 0 else {
            let sibling = hearth_spawn_failed_sibling()
            throw SpawnError(operation: "spawn \(request.executable)", code: -pid, step: String(cString: hearth_spawn_failed_step()), unreapedSibling: sibling > 0 ? sibling : nil)
        }
        return pid
    }

    /// The strings and arrays are borrowed for the whole call: the child
    /// reads them from this process's memory until its exec (`hearth_spawn`).
    private static func exec(
        _ request: SpawnRequest, argv: borrowing CStringArray, envp: borrowing CStringArray, paths: borrowing CStringArray,
        stdio: (Int32, Int32, Int32)
    ) -> pid_t {
        let limits = request.limits.map { hearth_spawn_limit(resource: $0.resource, soft: $0.soft, hard: $0.hard) }
        let credentials = request.credentials ?? SpawnCredentials(uid: 0, gid: 0, groups: [])
        return limits.withUnsafeBufferPointer { limits in
            request.controlGroups.withUnsafeBufferPointer { controlGroups in
                credentials.groups.withUnsafeBufferPointer { groups in
                    var spec = hearth_spawn_spec(
                        path: paths[0], argv: argv.pointers, envp: envp.pointers, directory: paths[1],
                        stdin_fd: stdio.0, stdout_fd: stdio.1, stderr_fd: stdio.2,
                        cgroup_procs: controlGroups.baseAddress, cgroup_count: Int32(controlGroups.count),
                        limits: limits.baseAddress, limit_count: Int32(limits.count),
                        set_ids: request.credentials == nil ? 0 : 1, uid: credentials.uid, gid: credentials.gid,
                        groups: groups.baseAddress, group_count: Int32(groups.count),
                        as_sibling: request.asSibling ? 1 : 0
                    )
                    return hearth_spawn(&spec)
                }
            }
        }
    }
}

/// The three pipes of a child, all close-on-exec until dup2'd into place.
private struct PipeSet {
    struct Pipe { var read: Int32 = -1; var write: Int32 = -1 }
    var stdin = Pipe(), stdout = Pipe(), stderr = Pipe()

    mutating func open(needStdin: Bool, needOutput: Bool, needErrors: Bool) throws {
        if needStdin { stdin = try Self.makePipe() }
        if needOutput { stdout = try Self.makePipe() }
        if needErrors { stderr = try Self.makePipe() }
    }

    /// What the child gets as 0, 1 and 2.
    func childEnds(of request: SpawnRequest) -> (Int32, Int32, Int32) {
        (request.stdinFile ?? stdin.read, request.stdoutFile ?? stdout.write, request.stderrFile ?? stderr.write)
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

    /// -1 for stdout or stderr given as a file.
    func handOver(pid: pid_t) -> SpawnedProcess {
        SpawnedProcess(pid: pid, stdin: stdin.write >= 0 ? stdin.write : nil, stdout: stdout.read, stderr: stderr.read)
    }
}
