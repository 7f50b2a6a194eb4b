import Foundation
import HearthSessions
import HearthTesting
import Testing

/// A throwaway PostgreSQL cluster for this test run: created by `initdb`
/// in a temporary directory, listening only on a Unix socket there,
/// started on first use and shared by every PostgreSQL test, stopped by
/// its pid and deleted when the suite that uses it ends
/// (`PostgresClusterScope`). initdb refuses to run as root, so as root the
/// directory belongs to the `postgres` user and the binaries run through
/// `runuser -u postgres --`.
actor PostgresCluster {
    static let shared = PostgresCluster()
    static let binaries = "/usr/lib/postgresql/15/bin"
    static let port = 5432

    private struct Running {
        let directory: String
        let pid: Int32
    }

    private var running: Running?
    private var starting: Task<Running, any Error>?
    private var databases = 0

    /// A new, empty database in the cluster (started if need be), and how
    /// a store connects to it.
    func freshDatabase() async throws -> PostgresConnection {
        let cluster = try await start()
        databases += 1
        let name = "hearth_test_\(databases)"
        try await Self.runOffPool(["\(Self.binaries)/createdb", "-h", cluster.directory, "-p", "\(Self.port)", "-U", "postgres", name])
        return PostgresConnection(
            endpoint: .unixSocket(path: "\(cluster.directory)/.s.PGSQL.\(Self.port)"), username: "postgres", database: name
        )
    }

    private func start() async throws -> Running {
        if let running { return running }
        let task = starting ?? Task { try await Self.create() }
        starting = task
        let started = try await task.value
        running = started
        return started
    }

    /// Stops the postmaster by its pid (SIGINT: PostgreSQL's fast
    /// shutdown), waits until it is gone, and deletes the directory.
    func stop() async {
        guard let running else { return }
        self.running = nil
        starting = nil
        kill(running.pid, SIGINT)
        _ = await Processes.waitUntilGone(running.pid, seconds: 30)
        try? FileManager.default.removeItem(atPath: running.directory)
    }

    private static func create() async throws -> Running {
        let directory = "/tmp/hearth-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        if getuid() == 0 {
            guard let user = getpwnam("postgres") else { throw ClusterError("no postgres user: apt-get install postgresql") }
            chown(directory, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        let data = directory + "/data"
        try await runOffPool(["\(binaries)/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"])
        // -W: pg_ctl does not wait; readiness is polled below.
        try await runOffPool([
            "\(binaries)/pg_ctl", "-D", data, "-l", directory + "/server.log", "-W", "-o",
            "-k \(directory) -c listen_addresses='' -p \(port) -c fsync=off", "start",
        ])
        var ready = false
        let deadline = ContinuousClock.now + .seconds(30)
        while !ready, ContinuousClock.now < deadline {
            ready = (try? await runOffPool(["\(binaries)/pg_isready", "-q", "-h", directory, "-p", "\(port)"])) != nil
            if !ready { try await Task.sleep(for: .milliseconds(50)) }
        }
        let pidLine = (try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8))?.split(separator: "\n").first
        guard ready, let pid = pidLine.flatMap({ Int32($0) }) else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw ClusterError("PostgreSQL did not become ready: \(log)")
        }
        return Running(directory: directory, pid: pid)
    }

    /// `run` on a thread of its own: waiting for a process blocks, and the
    /// cooperative pool (as wide as the cores) is shared with the servers
    /// under test.
    @discardableResult
    static func runOffPool(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try run(arguments) }) }.start()
        }
    }

    /// Runs a PostgreSQL program to its end (as `postgres` when root);
    /// throws with its output when it fails. posix_spawn and waitpid on
    /// this thread rather than Foundation's Process, whose wait did not
    /// return for `pg_ctl start` (its server lives on); the output goes to a
    /// file, not a pipe, which that server could keep open.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        // env -C: in a directory the postgres user may enter.
        let inTmp = ["/usr/bin/env", "-C", "/tmp"] + arguments
        let command = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + inTmp : inTmp
        let outputPath = "/tmp/hearth-pg-output-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw ClusterError("cannot start \(command[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else { throw ClusterError("\(arguments.joined(separator: " ")): status \(status): \(text)") }
        return text
    }

    struct ClusterError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// Stops the shared cluster when the suite it is attached to has run.
struct PostgresClusterScope: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        do {
            try await function()
        } catch {
            await PostgresCluster.shared.stop()
            throw error
        }
        await PostgresCluster.shared.stop()
    }
}

extension Trait where Self == PostgresClusterScope {
    /// The suite's PostgreSQL tests share one cluster, stopped at its end.
    static var postgresCluster: Self { PostgresClusterScope() }
}
