#if canImport(Glibc)
import Glibc
#endif

/// What the server and its privileged spawner say to each other: the
/// policies once, then orders and their replies, one at a time.
enum SpawnerMessage {
    static let spawn: UInt8 = 1
    static let signal: UInt8 = 2

    /// A spawn as the policy `policy` allows it; the descriptors passed
    /// with it are stdin, stdout, stderr, then the control groups' files.
    struct SpawnOrder {
        var policy: Int
        var executable: String
        var script: String?
        var arguments: [String]
        var environment: [(name: String, value: String)]
        var workingDirectory: String
        var limits: [ResourceLimit]

        func write(to writer: inout WireWriter) {
            writer.integer(SpawnerMessage.spawn)
            writer.integer(UInt32(policy))
            writer.string(executable)
            writer.list(script.map { [$0] } ?? []) { $0.string($1) }
            writer.list(arguments) { $0.string($1) }
            writer.list(environment) { $0.string($1.name); $0.string($1.value) }
            writer.string(workingDirectory)
            writer.list(limits) { $0.integer($1.resource); $0.integer($1.soft); $0.integer($1.hard) }
        }

        /// After the kind byte.
        init(reading reader: inout WireReader) throws {
            policy = Int(try reader.integer(UInt32.self))
            executable = try reader.string()
            script = try reader.list { try $0.string() }.first
            arguments = try reader.list { try $0.string() }
            environment = try reader.list { (name: try $0.string(), value: try $0.string()) }
            workingDirectory = try reader.string()
            limits = try reader.list { ResourceLimit(resource: try $0.integer(), soft: try $0.integer(), hard: try $0.integer()) }
        }

        init(policy: Int, request: SpawnRequest, script: String?) {
            self.policy = policy
            executable = request.executable
            self.script = script
            arguments = request.arguments
            environment = request.environment
            workingDirectory = request.workingDirectory
            limits = request.limits
        }
    }

    /// The child's pid, or why there is none: a rule refused it, or the
    /// spawn failed (errno, step; a sibling whose exec failed is the
    /// server's to reap).
    struct SpawnReply {
        var pid: pid_t = 0
        var code: Int32 = 0
        var step = ""
        var unreaped: pid_t = 0
        var refusal: RunAsRules.Refusal?

        func write(to writer: inout WireWriter) {
            writer.integer(pid)
            writer.integer(code)
            writer.string(step)
            writer.integer(unreaped)
            writer.list(refusal.map { [$0] } ?? []) { $0.string($1.rule); $0.string($1.detail) }
        }

        init() {}

        init(reading reader: inout WireReader) throws {
            pid = try reader.integer()
            code = try reader.integer()
            step = try reader.string()
            unreaped = try reader.integer()
            refusal = try reader.list { RunAsRules.Refusal(rule: try $0.string(), detail: try $0.string()) }.first
        }
    }

    static func writePolicies(_ policies: [RunAsPolicy], to writer: inout WireWriter) {
        writer.list(policies) { writer, policy in
            writer.string(policy.label)
            writer.string(policy.account.user)
            writer.integer(policy.account.credentials.uid)
            writer.integer(policy.account.credentials.gid)
            writer.list(policy.account.credentials.groups) { $0.integer($1) }
            writer.string(policy.account.home)
            switch policy.programs {
            case .scripts(let directory, let interpreters):
                writer.integer(UInt8(0))
                writer.string(directory)
                writer.list(interpreters) { $0.string($1) }
            case .command(let command):
                writer.integer(UInt8(1))
                writer.string(command)
            }
            writer.integer(policy.minimums.uid)
            writer.integer(policy.minimums.gid)
        }
    }

    static func readPolicies(_ reader: inout WireReader) throws -> [RunAsPolicy] {
        try reader.list { reader in
            let label = try reader.string()
            let user = try reader.string()
            let credentials = SpawnCredentials(uid: try reader.integer(), gid: try reader.integer(), groups: try reader.list { try $0.integer() })
            let home = try reader.string()
            let programs: RunAsPolicy.Programs = try reader.integer(UInt8.self) == 0
                ? .scripts(directory: try reader.string(), interpreters: try reader.list { try $0.string() })
                : .command(try reader.string())
            let minimums = RunAsAccount.Minimums(uid: try reader.integer(), gid: try reader.integer())
            return RunAsPolicy(label: label, account: RunAsAccount(user: user, credentials: credentials, home: home), programs: programs, minimums: minimums)
        }
    }
}
