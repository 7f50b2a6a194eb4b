import Foundation
@testable import HearthGateway
import HearthTesting
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
        let status = await ChildReaper.shared.waitForExit(of: pid)
        #expect((status >> 8) & 0xFF == 7)
        #expect(!Processes.zombieChildren().contains(pid))
        #expect(waitpid(pid, nil, WNOHANG) == -1)
    }

    @Test func manyChildrenAwaitedAtOnceEachGetTheirOwnStatus() async throws {
        let pids = try (0..<20).map { try Self.spawn("sleep 0.\($0 % 3 + 1); exit \($0)") }
        let statuses = await withTaskGroup(of: (Int, Int32).self) { group in
            for (index, pid) in pids.enumerated() { group.addTask { (index, await ChildReaper.shared.waitForExit(of: pid)) } }
            return await group.reduce(into: [Int: Int32]()) { $0[$1.0] = $1.1 }
        }
        for index in 0..<20 { #expect(statuses[index].map { ($0 >> 8) & 0xFF } == Int32(index)) }
        #expect(Processes.zombieChildren().filter(pids.contains).isEmpty)
    }
}
