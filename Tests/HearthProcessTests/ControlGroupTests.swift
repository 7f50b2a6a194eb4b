import Foundation
@testable import HearthProcess
import HearthTesting
import Testing

/// A mount's control group on this host: made with its caps, joined by a
/// child before its exec, and removed (`ControlGroups`).
@Suite(.enabled(if: Confinement.controlGroups, "needs root and the memory and pids control groups"))
struct ControlGroupTests {
    @Test func aChildStartsInsideItsMountsGroupWithTheCapsSet() throws {
        let groups = ControlGroups()
        var limits = ProcessLimits()
        limits.memoryBytes = 48 << 20
        limits.processes = 7
        let group = try groups.makeGroup(label: "test-caps", limits: limits)
        #expect(group.procs.count == group.paths.count && !group.paths.isEmpty)
        let memory = try #require(group.paths.first { $0.contains("/memory/") || group.paths.count == 1 })
        let pids = try #require(group.paths.first { $0.contains("/pids/") || group.paths.count == 1 })
        #expect([Confinement.read(memory + "/memory.limit_in_bytes"), Confinement.read(memory + "/memory.max")].contains("\(48 << 20)"))
        #expect(Confinement.read(pids + "/pids.max") == "7")

        var request = SpawnRequest(executable: "/bin/cat", arguments: ["cat", "/proc/self/cgroup"], environment: [], workingDirectory: "/")
        request.confine(limits, group: group)
        let spawned = try ProcessSpawner.spawn(request)
        for fd in [spawned.stdin, spawned.stderr].compactMap({ $0 }) { close(fd) }
        let output = String(decoding: FileHandle(fileDescriptor: spawned.stdout, closeOnDealloc: true).readDataToEndOfFile(), as: UTF8.self)
        waitpid(spawned.pid, nil, 0)
        let joined = output.split(separator: "\n").filter { $0.hasSuffix("/hearth-\(getpid())/" + group.label) || $0.contains("/hearth-\(getpid())/\(group.label).") }
        #expect(joined.count == group.paths.count, "\(output)")

        groups.removeAll()
        for path in group.paths { #expect(!Confinement.exists(path), "\(path) removed") }
    }

    /// Whatever is still in a group at shutdown (a daemon a script left)
    /// is killed, so that the group can be removed.
    @Test func removingAGroupStopsWhatIsLeftInIt() async throws {
        let groups = ControlGroups()
        var limits = ProcessLimits()
        limits.processes = 5
        let group = try groups.makeGroup(label: "test-leftover", limits: limits)
        var request = SpawnRequest(executable: "/bin/sleep", arguments: ["sleep", "30"], environment: [], workingDirectory: "/")
        request.confine(limits, group: group)
        let spawned = try ProcessSpawner.spawn(request)
        for fd in [spawned.stdin, spawned.stderr].compactMap({ $0 }) { close(fd) }
        close(spawned.stdout)
        #expect(group.members == [spawned.pid])
        groups.removeAll()
        let exit = await ChildReaper.shared.waitForExit(of: spawned.pid)  // sleep 30 would end with 0
        #expect(exit.signal == SIGKILL)
        for path in group.paths { #expect(!Confinement.exists(path)) }
    }
}
