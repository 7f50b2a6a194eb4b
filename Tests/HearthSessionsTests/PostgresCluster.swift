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
    func freshDatabase() async throws -> PostgresSessionStore.Connection {
        let cluster = try await start()
        databases += 1
        let name = "hearth_test_\(databases)"
        try Self.run(["\(Self.binaries)/createdb", "-h", cluster.directory, "-p", "\(Self.port)", "-U", "postgres", name])
        return PostgresSessionStore.Connection(
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
        try run(["\(binaries)/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"])
        // -W: pg_ctl does not wait; readiness is polled below.
        try run([
            "\(binaries)/pg_ctl", "-D", data, "-l", directory + "/server.log", "-W", "-o",
            "-k \(directory) -c listen_addresses='' -p \(port) -c fsync=off", "start",
        ])
        let ready = await Processes.eventually(seconds: 30) {
            (try? run(["\(binaries)/pg_isready", "-q", "-h", directory, "-p", "\(port)"])) != nil
        }
        let pidLine = (try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8))?.split(separator: "\n").first
        guard ready, let pid = pidLine.flatMap({ Int32($0) }) else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw ClusterError("PostgreSQL did not become ready: \(log)")
        }
        return Running(directory: directory, pid: pid)
    }

    /// Runs a PostgreSQL program to its end (as `postgres` when root);
    /// throws with its output when it fails.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        let command = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ClusterError("\(arguments.joined(separator: " ")): \(text)") }
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
