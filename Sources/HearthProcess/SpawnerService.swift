#if canImport(Glibc)
import Glibc
#endif
import CHearthSpawn

/// The privileged spawner's side (`PrivilegedSpawner` is the server's):
/// a loop on its socket, one order at a time, until the server goes. It
/// runs as root and trusts nothing in an order: the policy it names must
/// be one it was given at start-up, the program one the policy allows,
/// the script one that passes every suEXEC rule; the ids, groups and
/// `HOME` come from the policy, never from the order.
public enum SpawnerService {
    /// Serves and exits if this process was started as the spawner
    /// (`PrivilegedSpawner.environmentKey` set, its socket as stdin);
    /// returns at once otherwise. `hearth` calls it first thing; so must
    /// any program that embeds a Hearth site with `run_as` mounts.
    public static func serveIfAsked() {
        guard getenv(PrivilegedSpawner.environmentKey) != nil else { return }
        exit(serve(on: WireSocket(descriptor: 0)))
    }

    static func serve(on socket: WireSocket) -> Int32 {
        // A server compromised later must not be able to read this
        // process's memory or attach to it (it was root; it still is).
        hearth_set_undumpable()
        Glibc.signal(SIGPIPE, SIG_IGN)
        guard let policies = receivePolicies(on: socket) else { return 1 }
        var buffer = [UInt8](repeating: 0, count: WireSocket.largestOrder)
        while true {
            guard let (reader, descriptors) = try? socket.receive(into: &buffer) else { return 1 }
            defer { for fd in descriptors { close(fd) } }
            var message = reader
            var answer = WireWriter()
            switch try? message.integer(UInt8.self) {
            case SpawnerMessage.spawn:
                spawn(&message, descriptors: descriptors, policies: policies).write(to: &answer)
            case SpawnerMessage.signal:
                answer.integer(signal(&message, policies: policies))
            default:
                return 1
            }
            guard (try? socket.send(answer)) != nil else { return 1 }
        }
    }

    /// The policies, each checked again here (ids above the minimums);
    /// answered with an empty string, or the reason they are refused.
    private static func receivePolicies(on socket: WireSocket) -> [RunAsPolicy]? {
        guard let (reader, _) = try? socket.receive(capacity: WireSocket.largestOrder) else { return nil }
        var message = reader
        var answer = WireWriter()
        guard let policies = try? SpawnerMessage.readPolicies(&message) else {
            answer.string("unreadable policies")
            _ = try? socket.send(answer)
            return nil
        }
        for policy in policies {
            let ids = policy.account.credentials
            guard ids.uid != 0, ids.gid != 0, ids.uid >= policy.minimums.uid, ids.gid >= policy.minimums.gid else {
                answer.string("\(policy.label): run_as \(policy.account.user) (uid \(ids.uid), gid \(ids.gid)) is root or below min_uid/min_gid")
                _ = try? socket.send(answer)
                return nil
            }
        }
        answer.string("")
        return (try? socket.send(answer)) != nil ? policies : nil
    }

    private static func spawn(_ message: inout WireReader, descriptors: [Int32], policies: [RunAsPolicy]) -> SpawnerMessage.SpawnReply {
        var reply = SpawnerMessage.SpawnReply()
        guard let order = try? SpawnerMessage.SpawnOrder(reading: &message), descriptors.count >= 3, policies.indices.contains(order.policy) else {
            reply.code = EINVAL
            reply.step = "an unreadable order"
            return reply
        }
        let policy = policies[order.policy]
        do {
            try RunAsRules.check(executable: order.executable, script: order.script, policy: policy)
        } catch {
            reply.refusal = error
            return reply
        }
        do {
            reply.pid = try ProcessSpawner.startChild(request(for: order, policy: policy, controlGroups: Array(descriptors.dropFirst(3))), stdio: (descriptors[0], descriptors[1], descriptors[2]))
        } catch let error as SpawnError {
            reply.code = error.code
            reply.step = error.step
            reply.unreaped = error.unreapedSibling ?? 0
        } catch {
            reply.code = EIO
        }
        return reply
    }

    /// The order's program, as the policy's account: its ids and groups,
    /// `HOME` its home (suEXEC's environment), the rest as the server built it.
    private static func request(for order: SpawnerMessage.SpawnOrder, policy: RunAsPolicy, controlGroups: [Int32]) -> SpawnRequest {
        let environment = order.environment.filter { $0.name != "HOME" } + [("HOME", policy.account.home)]
        var request = SpawnRequest(executable: order.executable, arguments: order.arguments, environment: environment, workingDirectory: order.workingDirectory)
        request.limits = order.limits
        request.controlGroups = controlGroups
        request.credentials = policy.account.credentials
        request.asSibling = true
        return request
    }

    /// Signals the group `leader` leads, if the leader is a child of this
    /// spawner's server (so the spawner's own sibling) running as one of
    /// the policies' users: never anything else on the machine.
    private static func signal(_ message: inout WireReader, policies: [RunAsPolicy]) -> Int32 {
        guard let leader: pid_t = try? message.integer(), let signal: Int32 = try? message.integer(), leader > 0 else { return EINVAL }
        guard let owner = ProcessGroup.parentAndUid(of: leader), owner.parent == getppid(),
              policies.contains(where: { $0.account.credentials.uid == owner.uid })
        else { return EPERM }
        return kill(-leader, signal) == 0 ? 0 : errno
    }
}
