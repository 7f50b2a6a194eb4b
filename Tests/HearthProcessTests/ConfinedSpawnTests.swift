import Foundation
@testable import HearthProcess
import HearthTesting
import Testing

/// What bounds a child and who it runs as (`limits:` and `run_as`), set
/// by the child itself before its exec, seen from inside it through /proc.
@Suite struct ConfinedSpawnTests {
    /// The clone3 paths; posix_spawn cannot confine a child.
    static let confiningPaths: [ProcessSpawner.Path] = [.automatic, .withoutSlots, .withoutCloseRange]

    @Test(arguments: confiningPaths)
    func limitsArriveBeforeTheExec(path: ProcessSpawner.Path) throws {
        var request = Self.reading("/proc/self/limits")
        request.limits = [
            ResourceLimit(resource: Int32(RLIMIT_CPU.rawValue), value: 7),
            ResourceLimit(resource: Int32(RLIMIT_CORE.rawValue), value: 0),
            ResourceLimit(resource: Int32(RLIMIT_NOFILE.rawValue), soft: 64, hard: 128),
        ]
        let limits = try Self.output(of: request, path: path)
        #expect(Self.line("Max cpu time", in: limits) == ["7", "7"])
        #expect(Self.line("Max core file size", in: limits) == ["0", "0"])
        #expect(Self.line("Max open files", in: limits) == ["64", "128"])
    }

    /// A limit the kernel refuses (soft above hard) fails the spawn, names
    /// the step, and nothing runs.
    @Test(arguments: confiningPaths)
    func aRefusedLimitNamesTheStep(path: ProcessSpawner.Path) throws {
        var request = Self.reading("/proc/self/limits")
        request.limits = [ResourceLimit(resource: Int32(RLIMIT_NOFILE.rawValue), soft: 200, hard: 100)]
        let error = #expect(throws: SpawnError.self) { try ProcessSpawner.spawn(request, path: path) }
        #expect(error?.code == EINVAL)
        #expect(error?.step == "setrlimit")
        #expect(error?.description.contains("setrlimit") == true)
    }

    /// posix_spawn has no way to set limits or ids in the child: a confined
    /// request is refused, never started unconfined.
    @Test func posixSpawnRefusesWhatItCannotConfine() throws {
        var request = Self.reading("/proc/self/limits")
        request.limits = [ResourceLimit(resource: Int32(RLIMIT_CORE.rawValue), value: 0)]
        let error = #expect(throws: SpawnError.self) { try ProcessSpawner.spawn(request, path: .posixSpawn) }
        #expect(error?.code == ENOTSUP)
        #expect(error?.description.contains("clone3") == true)
    }

    /// As root: the child's real, effective and saved ids and its groups
    /// are the ones asked for, all of them (nothing of root is left).
    @Test(.enabled(if: getuid() == 0, "needs root"), arguments: confiningPaths)
    func credentialsReplaceEveryId(path: ProcessSpawner.Path) throws {
        var request = Self.reading("/proc/self/status")
        request.credentials = SpawnCredentials(uid: 65534, gid: 65533, groups: [65532, 65531])
        let status = try Self.output(of: request, path: path)
        #expect(Self.line("Uid:", in: status) == ["65534", "65534", "65534", "65534"])
        #expect(Self.line("Gid:", in: status) == ["65533", "65533", "65533", "65533"])
        #expect(Self.line("Groups:", in: status).sorted() == ["65531", "65532"])
    }

    /// Not root: setting other ids is refused with EPERM and named.
    @Test(.enabled(if: getuid() != 0, "needs a user other than root"))
    func credentialsNeedRoot() throws {
        var request = Self.reading("/proc/self/status")
        request.credentials = SpawnCredentials(uid: 65534, gid: 65534, groups: [])
        let error = #expect(throws: SpawnError.self) { try ProcessSpawner.spawn(request) }
        #expect(error?.code == EPERM)
        #expect(error?.step == "setgroups")
    }

    private static func reading(_ file: String) -> SpawnRequest {
        SpawnRequest(executable: "/bin/cat", arguments: ["cat", file], environment: [], workingDirectory: "/")
    }

    private static func output(of request: SpawnRequest, path: ProcessSpawner.Path) throws -> String {
        let spawned = try ProcessSpawner.spawn(request, path: path)
        for fd in [spawned.stdin, spawned.stderr].compactMap({ $0 }) { close(fd) }
        defer { waitpid(spawned.pid, nil, 0) }
        let output = FileHandle(fileDescriptor: spawned.stdout, closeOnDealloc: true).readDataToEndOfFile()
        return String(decoding: output, as: UTF8.self)
    }

    /// The fields after `label` on the line that starts with it.
    private static func line(_ label: String, in text: String) -> [String] {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(label) }) else { return [] }
        return line.dropFirst(label.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter { $0 != "seconds" && $0 != "bytes" && $0 != "files" }.prefix(4).map { $0 }
    }
}
