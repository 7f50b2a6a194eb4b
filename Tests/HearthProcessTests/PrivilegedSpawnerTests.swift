import Foundation
@testable import HearthProcess
import HearthTesting
import Testing

/// The privileged spawner for real: the `hearth` binary started as the
/// spawner by this (root) test process, which is then its children's
/// parent, as a server is.
@Suite(.serialized, .enabled(if: getuid() == 0, "the spawner must start as root"))
struct PrivilegedSpawnerTests {
    static let target = SpawnCredentials(uid: 4242, gid: 4243, groups: [4243, 4244])

    static let spawner: PrivilegedSpawner? = {
        let pool = RunAsPolicy(
            label: "test pool", account: RunAsAccount(user: "test", credentials: target, home: "/home/test"),
            programs: .command("/bin/sh"), minimums: .init()
        )
        return try? PrivilegedSpawner.start(policies: [pool], executable: HearthTesting.HearthProcess.executable)
    }()

    static func run(_ command: String) async throws -> (text: String, exit: ChildExit) {
        var request = SpawnRequest(executable: "/bin/sh", arguments: ["sh", "-c", command], environment: [("HOME", "/root")], workingDirectory: "/")
        request.runAs = RunAsTicket(policy: 0, script: nil)
        let spawned = try await ProcessSpawner.start(request)
        for fd in [spawned.stdin, spawned.stderr].compactMap({ $0 }) { close(fd) }
        let text = String(decoding: FileHandle(fileDescriptor: spawned.stdout, closeOnDealloc: true).readDataToEndOfFile(), as: UTF8.self)
        return (text, await ChildReaper.shared.waitForExit(of: spawned.pid))
    }

    /// Started with the policy's ids, groups and HOME, as a child of this
    /// process (reaped here, with its cost).
    @Test func aRunAsChildIsThisProcesssChildWithThePolicysIds() async throws {
        #expect(Self.spawner != nil)
        let (text, exit) = try await Self.run("echo HOME=$HOME; exec grep -E '^(Uid|Gid|Groups|PPid):' /proc/self/status")
        let lines = text.split(separator: "\n").map { $0.split(whereSeparator: { $0 == "\t" || $0 == " " }).map(String.init) }
        #expect(lines.first { $0.first == "PPid:" }?.last == String(getpid()), "the spawner's sibling, our child")
        #expect(lines.first { $0.first == "Uid:" }?.dropFirst().allSatisfy { $0 == "4242" } == true, "\(text)")
        #expect(lines.first { $0.first == "Gid:" }?.dropFirst().allSatisfy { $0 == "4243" } == true, "\(text)")
        #expect(lines.first { $0.first == "Groups:" }?.dropFirst().sorted() == ["4243", "4244"], "\(text)")
        #expect(text.hasPrefix("HOME=/home/test\n"), "HOME from the policy, not the order")
        #expect(exit.exitCode == 0)
    }

    /// An order the policy does not allow is refused by the spawner, by
    /// rule, and nothing starts.
    @Test func anOrderOutsideThePolicyIsRefused() async throws {
        #expect(Self.spawner != nil)
        var request = SpawnRequest(executable: "/bin/cat", arguments: ["cat"], environment: [], workingDirectory: "/")
        request.runAs = RunAsTicket(policy: 0, script: nil)
        let refusal = await #expect(throws: RunAsRules.Refusal.self) { try await ProcessSpawner.start(request) }
        #expect(refusal?.rule == "program")
        request.runAs = RunAsTicket(policy: 7, script: nil)
        let unknown = await #expect(throws: SpawnError.self) { try await ProcessSpawner.start(request) }
        #expect(unknown?.code == EINVAL)
    }

    /// The spawner signals its run_as children's groups and nothing else:
    /// not a process of root's, not one of another parent.
    @Test func theSpawnerSignalsOnlyItsRunAsChildren() async throws {
        let spawner = try #require(Self.spawner)
        let stranger = try ProcessSpawner.spawn(SpawnRequest(executable: "/bin/sleep", arguments: ["sleep", "30"], environment: [], workingDirectory: "/"))
        #expect(spawner.signal(group: stranger.pid, SIGKILL) == EPERM, "root's own child")
        #expect(spawner.signal(group: 1, SIGKILL) == EPERM)
        #expect(kill(stranger.pid, 0) == 0, "still running")
        kill(stranger.pid, SIGKILL)
        _ = await ChildReaper.shared.waitForExit(of: stranger.pid)

        var request = SpawnRequest(executable: "/bin/sh", arguments: ["sh", "-c", "exec sleep 30"], environment: [], workingDirectory: "/")
        request.runAs = RunAsTicket(policy: 0, script: nil)
        let child = try await ProcessSpawner.start(request)
        #expect(spawner.signal(group: child.pid, SIGTERM) == 0)
        let exit = await ChildReaper.shared.waitForExit(of: child.pid)
        #expect(exit.signal == SIGTERM)
    }
}
