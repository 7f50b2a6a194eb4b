#if canImport(Glibc)
import Glibc
#endif
import CHearthSpawn
import Synchronization

/// The one process of a Hearth server that stays root when `run_as` is
/// configured: it starts each `run_as` script and worker as its user, and
/// nothing else. Apache keeps a root parent and a setuid suexec binary for
/// this; Hearth keeps neither. Before the server gives up root it starts
/// this spawner (its own executable again, `SpawnerService`), tells it the
/// policies, and from then on can only ask over a socket:
/// "start this program of policy N with these descriptors", "signal this
/// group". The spawner checks each order against the policies it was given
/// at start-up and suEXEC's rules (`RunAsRules`), so a compromise of the
/// process that parses HTTP gains the run_as users' rights at most, never
/// root. Its children are started with CLONE_PARENT: they are the
/// server's children, which it reaps (with their rusage) like any other.
public final class PrivilegedSpawner: Sendable {
    private static let installed = Mutex<PrivilegedSpawner?>(nil)
    /// The spawner of this server, once started.
    public static var current: PrivilegedSpawner? { installed.withLock { $0 } }

    /// The environment variable that makes `hearth` (or an embedding
    /// program that calls `SpawnerService.serveIfAsked()`) the spawner.
    public static let environmentKey = "HEARTH_PRIVILEGED_SPAWNER"

    public let pid: pid_t
    private let socket: Mutex<WireSocket>

    private init(pid: pid_t, socket: WireSocket) {
        self.pid = pid
        self.socket = Mutex(socket)
    }

    /// Starts the spawner from `executable` (by default this program
    /// again) and hands it `policies`: must run as root, before the server
    /// gives root up. Replies once it has checked them.
    public static func start(policies: [RunAsPolicy], executable: String = "/proc/self/exe") throws -> PrivilegedSpawner {
        guard geteuid() == 0 else {
            throw SpawnError(operation: "run_as: starting the privileged spawner needs Hearth started as root (it is uid \(geteuid()))", code: EPERM)
        }
        var ends: [Int32] = [-1, -1]
        guard hearth_socketpair_seqpacket(&ends) == 0 else { throw SpawnError(operation: "privileged spawner: socketpair", code: errno) }
        defer { close(ends[1]) }
        var request = SpawnRequest(executable: executable, arguments: ["hearth-spawner"], environment: [(environmentKey, "1")], workingDirectory: "/", stdinFile: ends[1])
        // Its rare complaints go where the server's own go.
        request.stdoutFile = 2
        request.stderrFile = 2
        let spawned: SpawnedProcess
        do {
            spawned = try ProcessSpawner.spawn(request)
        } catch {
            close(ends[0])
            throw error
        }
        let spawner = PrivilegedSpawner(pid: spawned.pid, socket: WireSocket(descriptor: ends[0]))
        try spawner.handOver(policies)
        installed.withLock { $0 = spawner }
        return spawner
    }

    private func handOver(_ policies: [RunAsPolicy]) throws {
        var writer = WireWriter()
        SpawnerMessage.writePolicies(policies, to: &writer)
        let answer = try socket.withLock { socket throws(SpawnError) in
            try socket.send(writer)
            return try socket.receive()
        }
        guard var answer else { throw SpawnError(operation: "privileged spawner: it exited at start-up", code: EPIPE) }
        let refusal = (try? answer.reader.string()) ?? "an unreadable answer"
        guard refusal.isEmpty else { throw SpawnError(operation: "privileged spawner: \(refusal)", code: EINVAL) }
    }

    /// A `run_as` spawn through the current spawner; the pid is a child of
    /// this process. A refusal by a rule throws `RunAsRules.Refusal`.
    static func spawn(_ request: SpawnRequest, ticket: RunAsTicket, stdio: (Int32, Int32, Int32)) throws -> pid_t {
        guard let spawner = current else {
            throw SpawnError(operation: "run_as \(request.executable): no privileged spawner (Hearth must start as root to run scripts as other users)", code: EPERM)
        }
        return try spawner.spawn(request, ticket: ticket, stdio: stdio)
    }

    func spawn(_ request: SpawnRequest, ticket: RunAsTicket, stdio: (Int32, Int32, Int32)) throws -> pid_t {
        var writer = WireWriter()
        SpawnerMessage.SpawnOrder(policy: ticket.policy, request: request, script: ticket.script).write(to: &writer)
        let descriptors = [stdio.0, stdio.1, stdio.2] + request.controlGroups
        let answer = try socket.withLock { socket throws(SpawnError) in
            try socket.send(writer, descriptors: descriptors)
            return try socket.receive()
        }
        guard var answer else { throw SpawnError(operation: "run_as \(request.executable): the privileged spawner has exited", code: EPIPE) }
        let reply = try SpawnerMessage.SpawnReply(reading: &answer.reader)
        if let refusal = reply.refusal { throw refusal }
        guard reply.pid > 0 else {
            throw SpawnError(operation: "spawn \(request.executable)", code: reply.code, step: reply.step, unreapedSibling: reply.unreaped > 0 ? reply.unreaped : nil)
        }
        return reply.pid
    }

    /// Signals a `run_as` group, which this process may not (kill(2) wants
    /// the same uid). The spawner signals only its own children's groups:
    /// 0, or the errno of its refusal or of kill(2).
    @discardableResult
    func signal(group: pid_t, _ signal: Int32) -> Int32 {
        var writer = WireWriter()
        writer.integer(SpawnerMessage.signal)
        writer.integer(group)
        writer.integer(signal)
        let answer = try? socket.withLock { socket throws(SpawnError) in
            try socket.send(writer)
            return try socket.receive()
        }
        guard var reader = answer?.reader, let code: Int32 = try? reader.integer() else { return EPIPE }
        return code
    }
}
