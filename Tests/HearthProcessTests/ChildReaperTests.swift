import Foundation
@testable import HearthProcess
import HearthTesting
import Synchronization
import Testing

/// Children that outlive the moment they are first awaited are reaped when
/// their pidfd says they exited: with their own status, and no zombie left.
@Suite struct ChildReaperTests {
    private static func spawn(_ command: String) throws -> pid_t {
        let spawned = try ProcessSpawner.spawn(SpawnRequest(executable: "/bin/sh", arguments: ["sh", "-c", command], environment: [], workingDirectory: "/"))
        for fd in [spawned.stdin, spawned.stdout, spawned.stderr].compactMap({ $0 }) { close(fd) }
        return spawned.pid
    }

    @Test func aChildStillRunningIsReapedWhenItExits() async throws {
        let pid = try Self.spawn("sleep 0.3; exit 7")
        let exit = await ChildReaper.shared.waitForExit(of: pid)
        #expect(exit.exitCode == 7)
        #expect(!Processes.zombieChildren().contains(pid))
        #expect(waitpid(pid, nil, WNOHANG) == -1)
    }

    @Test func manyChildrenAwaitedAtOnceEachGetTheirOwnStatus() async throws {
        let pids = try (0..<20).map { try Self.spawn("sleep 0.\($0 % 3 + 1); exit \($0)") }
        let statuses = await withTaskGroup(of: (Int, ChildExit).self) { group in
            for (index, pid) in pids.enumerated() { group.addTask { (index, await ChildReaper.shared.waitForExit(of: pid)) } }
            return await group.reduce(into: [Int: ChildExit]()) { $0[$1.0] = $1.1 }
        }
        for index in 0..<20 { #expect(statuses[index]?.exitCode == Int32(index)) }
        #expect(Processes.zombieChildren().filter(pids.contains).isEmpty)
    }

    /// `beforeReaping` runs once the child has exited and before it is
    /// reaped: a zombie still, so its pid and process group id are still
    /// its own (ScriptProcess sends a stop's SIGKILL to the group then).
    @Test func beforeReapingRunsWhileTheChildIsAZombie() async throws {
        let pid = try Self.spawn("sleep 0.1; exit 4")
        let seen = Mutex<String?>(nil)
        let exit = await ChildReaper.shared.waitForExit(of: pid) {
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            seen.withLock { $0 = stat.flatMap { $0.split(separator: ")").last?.split(separator: " ").first.map(String.init) } }
        }
        #expect(seen.withLock { $0 } == "Z")
        #expect(exit.exitCode == 4)
        #expect(!Processes.zombieChildren().contains(pid))
    }

    /// A worker pool's shutdown and its supervisor may both await one
    /// worker. Each waiter has its own watch, so both return: one with the
    /// status, the other with 0 (the pid was reaped by the first). With one
    /// continuation per pid, the second used to replace the first, which
    /// leaked unresumed (bench/README.md, warm-row defects): the time limit
    /// turns such a hang into a failure.
    @Test(.timeLimit(.minutes(1))) func twoWaitersOnOneChildBothReturn() async throws {
        let pid = try Self.spawn("sleep 0.3; exit 5")
        async let first = ChildReaper.shared.waitForExit(of: pid)
        async let second = ChildReaper.shared.waitForExit(of: pid)
        let statuses = await [first, second].map { $0.exitCode ?? -1 }.sorted()
        #expect(statuses == [0, 5])
        #expect(!Processes.zombieChildren().contains(pid))
    }
}
