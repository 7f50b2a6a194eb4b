#if canImport(Glibc)
import Glibc
#endif
import CHearthSpawn
import HearthProcess
import HearthRelay
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One long-lived FastCGI worker: a process started with a listening Unix
/// socket as its file descriptor 0 (FastCGI 1.0 §2.2, FCGI_LISTENSOCK_FILENO),
/// the convention Perl's FCGI, php-cgi and Go's fcgi.Serve understand. Its
/// stdout and stderr go to the error log; the last lines are kept
/// (`OutputTail`) to say why it died.
final class WorkerProcess: Sendable {
    let id: Int
    let generation: Int
    let pid: pid_t
    let socketPath: String
    /// When it was spawned: the status page shows its age.
    let started: ContinuousClock.Instant
    let output: OutputTail
    /// Which limit stopped the worker, for the log line of a crash.
    let limits: LimitWatch
    /// The exit and what the worker's life cost, awaited once from the
    /// reaper; any number may wait on it.
    private let exit: Task<RunCost, Never>
    private let stopping = Mutex(false)

    private init(
        id: Int, generation: Int, pid: pid_t, started: ContinuousClock.Instant, socketPath: String, output: OutputTail, limits: LimitWatch,
        outputRead: Task<Void, Never>
    ) {
        self.id = id
        self.limits = limits
        self.generation = generation
        self.pid = pid
        self.socketPath = socketPath
        self.started = started
        self.output = output
        self.exit = Task { await Self.reap(pid, started: started, socketPath: socketPath, outputRead: outputRead) }
    }

    /// Binds the socket, starts the program on it and starts logging its
    /// output. The socket listens before the program runs, so a request can
    /// connect at once: it waits in the backlog until the worker accepts.
    static func start(
        id: Int, generation: Int, configuration: WorkerPoolConfiguration, socketPath: String, label: String, logger: Logger
    ) async throws -> WorkerProcess {
        unlink(socketPath)
        let socket = hearth_listen_unix(socketPath, 128)
        guard socket >= 0 else { throw WorkerStartError(reason: "cannot listen on \(socketPath): \(String(cString: strerror(errno)))") }
        defer { close(socket) }
        let executable = configuration.command[0]
        let spawned: SpawnedProcess
        var request = SpawnRequest(
            executable: executable, arguments: configuration.command, environment: configuration.environment,
            workingDirectory: configuration.workingDirectory ?? Self.directory(of: executable), stdinFile: socket
        )
        request.confine(configuration.limits, group: configuration.controlGroup)
        request.runAs = configuration.runAsPolicy.map { RunAsTicket(policy: $0, script: executable) }
        let limits = LimitWatch(limits: configuration.limits, group: configuration.controlGroup)
        let started = ContinuousClock.now
        do {
            spawned = try await ProcessSpawner.start(request)
        } catch {
            unlink(socketPath)
            throw WorkerStartError(reason: "cannot start \(executable): \(error)")
        }
        let output = OutputTail()
        let metadata: Logger.Metadata = ["fastcgi": "\(label)", "pid": "\(spawned.pid)"]
        let outputRead = Task {
            async let stdout: Void = log(spawned.stdout, output: output, metadata: metadata, logger: logger)
            async let stderr: Void = log(spawned.stderr, output: output, metadata: metadata, logger: logger)
            _ = await (stdout, stderr)
        }
        return WorkerProcess(id: id, generation: generation, pid: spawned.pid, started: started, socketPath: socketPath, output: output, limits: limits, outputRead: outputRead)
    }

    /// Waits for the worker to exit and its last output to be logged;
    /// returns how it ended and what it cost.
    func waitForExit() async -> ChildExit { await exit.value.exit }

    /// Waits as `waitForExit` does; returns the exit with the worker's
    /// lifetime, from its spawn to its reap.
    func waitForCost() async -> RunCost { await exit.value }

    /// Reaps the worker, then waits for its output to be read: the crash
    /// record carries its last lines. Two seconds at most, since a child
    /// it left behind may hold the pipes open; half a second proved too
    /// short for the reader to be scheduled on a loaded machine.
    private static func reap(_ pid: pid_t, started: ContinuousClock.Instant, socketPath: String, outputRead: Task<Void, Never>) async -> RunCost {
        let status = await ChildReaper.shared.waitForExit(of: pid)
        let cost = RunCost(wall: .now - started, exit: status)
        unlink(socketPath)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Mutex<CheckedContinuation<Void, Never>?>(continuation)
            let resume = { @Sendable in once.withLock { $0.take() }?.resume() }
            Task { await outputRead.value; resume() }
            MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: .seconds(2)) { resume() }
        }
        return cost
    }

    /// Whether `stop` was called: an exit after it is no crash.
    var wasStopped: Bool { stopping.withLock { $0 } }

    /// Whether the worker ended its own loop: it exited with status 0 and
    /// nobody stopped it. Its connection closes a moment before the kernel
    /// reports the exit, so an exit under way is waited for, briefly; a
    /// worker still running after `bound` did not leave.
    func leftByItself(within bound: Duration = .milliseconds(200)) async -> Bool {
        let deadline = ContinuousClock.now + bound
        while ChildReaper.ending(of: pid) == .running {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        guard !wasStopped else { return false }
        return await waitForExit().exitCode == 0
    }

    /// SIGTERM to the worker's process group, SIGKILL after `grace`.
    func stop(grace: Duration) {
        let first = stopping.withLock { stopping in defer { stopping = true }; return !stopping }
        guard first else { return }
        ProcessGroup.signal(pid, SIGTERM)
        let pid = self.pid
        MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: TimeAmount(grace)) {
            // The group is gone once the leader is reaped; ESRCH is harmless.
            ProcessGroup.signal(pid, SIGKILL)
        }
    }

    /// Resident memory in bytes, from /proc/PID/statm; nil if unreadable.
    var residentBytes: Int? {
        let fd = open("/proc/\(pid)/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 128)
        let count = read(fd, &bytes, bytes.count)
        guard count > 0 else { return nil }
        let fields = bytes[..<count].split(separator: 0x20)
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    private static func log(_ fd: Int32, output: OutputTail, metadata: Logger.Metadata, logger: Logger) async {
        var lines = LineSplitter()
        do {
            let channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton).takingOwnershipOfDescriptor(input: fd) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, Never>(wrappingChannelSynchronously: channel) }
            }
            try await channel.executeThenClose { inbound, _ in
                for try await chunk in inbound {
                    for line in lines.append(chunk.readableBytesView) { log(line, output: output, metadata: metadata, logger: logger) }
                }
            }
        } catch {
            logger.debug("worker output closed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
        if let rest = lines.rest() { log(rest, output: output, metadata: metadata, logger: logger) }
    }

    private static func log(_ line: String, output: OutputTail, metadata: Logger.Metadata, logger: Logger) {
        logger.warning("\(line)", metadata: metadata.merging(["stream": "stderr"]) { $1 })
        output.append(line)
    }
}

struct WorkerStartError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
