import CHearthSpawn
import Foundation
@testable import HearthProcess
import HearthTesting
import Testing

/// What a started script inherits from the server (`hearth_spawn`), seen
/// from inside the child through /proc: the contract posix_spawn kept
/// before, which the clone3 path must keep too.
@Suite struct ProcessSpawnerTests {
    /// Its pipes as 0, 1 and 2 and no other descriptor (a server socket
    /// must not leak into a script), a process group of its own (a timeout
    /// stops everything it started), the script's directory (RFC 3875
    /// §7.2), no signal blocked and none ignored, even where the server
    /// ignores some (SIGPIPE, and here two more, one of them real-time)
    /// and the spawning thread blocks one. Its output must end: a server
    /// still holding a child's end of a pipe (a descriptor slot not
    /// cleared) would keep it open.
    @Test(arguments: ProcessSpawner.Path.allCases)
    func aChildGetsOnlyItsPipesItsOwnGroupAndDefaultSignals(path: ProcessSpawner.Path) async throws {
        // Descriptor 3 was free when this process started, so the automatic
        // path goes through the slots (unless other tests' spawns hold
        // every group at that moment), the path `hearth serve` takes.
        #expect(hearth_spawn_slot_groups() > 0)
        let directory = try TemporaryDirectory()
        let leaked = open("/dev/null", O_RDONLY)  // not close-on-exec
        defer { close(leaked) }
        // grep started directly reads its own status: a shell in between
        // blocks every signal while it forks, and its child could see that.
        let signals = try await Self.runOnNewThread(
            SpawnRequest(executable: "/bin/grep", arguments: ["grep", "-E", "^(SigIgn|SigBlk):", "/proc/self/status"], environment: [], workingDirectory: "/"), path: path
        )
        // posix_spawn cannot set glibc's own two signals (32 and 33) back to
        // default; this test process ignores them, `hearth` does not (its
        // SigIgn is SIGQUIT and SIGPIPE only). The clone3 paths reset them.
        let reserved = path == .posixSpawn ? ["0000000000000000", "0000000180000000"] : ["0000000000000000"]
        #expect(reserved.map { "SigBlk:\t0000000000000000\nSigIgn:\t\($0)\n" }.contains(signals), "\(signals)")
        let report = try await Self.runOnNewThread(Self.shell(
            """
            printf 'pid %s group ' $$; cut -d' ' -f5 /proc/$$/stat
            printf 'cwd '; pwd -P
            echo fds; ls /proc/$$/fd
            """,
            in: directory.path
        ), path: path)
        let lines = report.split(separator: "\n").map(String.init)
        let ids = lines.first { $0.hasPrefix("pid ") }?.split(separator: " ") ?? []
        #expect(ids.count == 4 && ids[1] == ids[3], "its own process group: \(report)")
        #expect(lines.contains("cwd \(directory.path)"))
        #expect(Array(lines.drop { $0 != "fds" }.dropFirst()) == ["0", "1", "2"], "\(report)")
    }

    @Test(arguments: ProcessSpawner.Path.allCases)
    func aMissingProgramIsAnErrorNamingIt(path: ProcessSpawner.Path) throws {
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(SpawnRequest(executable: "/nonexistent/program", arguments: ["program"], environment: [], workingDirectory: "/"), path: path)
        }
        #expect(error?.code == ENOENT)
        #expect(error?.description.contains("/nonexistent/program") == true)
    }

    @Test(arguments: ProcessSpawner.Path.allCases)
    func aFileWithoutExecutePermissionIsRefused(path: ProcessSpawner.Path) throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("plain.sh", "#!/bin/sh\necho no\n", mode: 0o644)
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(SpawnRequest(executable: script, arguments: [script], environment: [], workingDirectory: directory.path), path: path)
        }
        #expect(error?.code == EACCES)
    }

    @Test(arguments: ProcessSpawner.Path.allCases)
    func aMissingWorkingDirectoryIsRefused(path: ProcessSpawner.Path) throws {
        let error = #expect(throws: SpawnError.self) {
            try ProcessSpawner.spawn(SpawnRequest(executable: "/bin/sh", arguments: ["sh", "-c", "true"], environment: [], workingDirectory: "/nonexistent"), path: path)
        }
        #expect(error?.code == ENOENT)
    }

    /// ETXTBSY: a script just written may still be open for writing (in a
    /// child some other thread forked that has not exec'd yet); it starts
    /// once the writer is gone. Here the writer is this test, for 30 ms.
    @Test func aProgramBusyForAMomentStartsOnceItsWriterCloses() async throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("busy.sh", "#!/bin/sh\nexit 4\n", mode: 0o755)
        let writer = open(script, O_WRONLY | O_CLOEXEC)
        Task {
            try await Task.sleep(for: .milliseconds(30))
            close(writer)
        }
        let spawned = try await ProcessSpawner.start(SpawnRequest(executable: script, arguments: [script], environment: [], workingDirectory: directory.path))
        for fd in [spawned.stdin, spawned.stdout, spawned.stderr].compactMap({ $0 }) { close(fd) }
        let exit = await ChildReaper.shared.waitForExit(of: spawned.pid)
        #expect(exit.exitCode == 4)
    }

    @Test func aProgramThatStaysBusyIsRefusedAsBusy() async throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("busy.sh", "#!/bin/sh\nexit 0\n", mode: 0o755)
        let writer = open(script, O_WRONLY | O_CLOEXEC)
        defer { close(writer) }
        let error = await #expect(throws: SpawnError.self) {
            try await ProcessSpawner.start(SpawnRequest(executable: script, arguments: [script], environment: [], workingDirectory: directory.path))
        }
        #expect(error?.code == ETXTBSY)
    }

    @Test func theEnvironmentArrivesAsGivenPairs() async throws {
        let report = try await Self.runOnNewThread(Self.shell(
            "printf '%s|%s|%s\\n' \"$PLAIN\" \"$EMPTY\" \"$WITH_EQUALS\"", in: "/",
            environment: [("PLAIN", "value"), ("EMPTY", ""), ("WITH_EQUALS", "a=b é")]
        ))
        #expect(report == "value||a=b é\n")
    }

    private static func shell(_ command: String, in directory: String, environment: [(name: String, value: String)] = []) -> SpawnRequest {
        SpawnRequest(executable: "/bin/sh", arguments: ["sh", "-c", command], environment: environment, workingDirectory: directory)
    }

    /// Spawns from a thread that has not spawned before, so the spawner's
    /// view of ignored signals is looked up afresh; around it, the server
    /// ignores SIGWINCH and SIGRTMIN+3 and the thread blocks SIGUSR1.
    /// Returns what the child wrote to stdout.
    private static func runOnNewThread(_ request: SpawnRequest, path: ProcessSpawner.Path = .automatic) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try spawnWithSignalsDisturbed(request, path: path) }) }.start()
        }
    }

    private static func spawnWithSignalsDisturbed(_ request: SpawnRequest, path: ProcessSpawner.Path) throws -> String {
        let realTime = __libc_current_sigrtmin() + 3
        signal(SIGWINCH, SIG_IGN)
        signal(realTime, SIG_IGN)
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR1)
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        defer {
            signal(SIGWINCH, SIG_DFL)
            signal(realTime, SIG_DFL)
        }
        let spawned = try ProcessSpawner.spawn(request, path: path)
        for fd in [spawned.stdin, spawned.stderr].compactMap({ $0 }) { close(fd) }
        defer { waitpid(spawned.pid, nil, 0) }
        return try readToEnd(spawned.stdout)
    }

    struct OutputNeverEnded: Error {}

    /// Fails after 10 s without data or end of file: a pipe whose write
    /// end the server still holds never ends.
    private static func readToEnd(_ fd: Int32) throws -> String {
        defer { close(fd) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 10_000) == 1 else { throw OutputNeverEnded() }
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { return String(decoding: output, as: UTF8.self) }
            output += buffer[..<count]
        }
    }
}

/// The clone3 child shares the server's memory until its exec: a first
/// call through a lazily bound PLT entry would enter the dynamic linker
/// (and its lock, perhaps held by a server thread) in the child. So the
/// child's code calls no function outside child.c: read from the object
/// file as built, every call in the child's functions is a local one.
@Suite struct ChildCodeTests {
    static let childFunctions = ["child_main", "close_from_3", "raw_sigaction", "raw_syscall", "signal_bit"]

    @Test func theChildCallsNothingThroughThePLT() throws {
        let bundle = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        let object = bundle.deletingLastPathComponent().appendingPathComponent("CHearthSpawn.build/child.c.o").path
        try #require(FileManager.default.fileExists(atPath: object), "no \(object)")
        let text = try ProgramOutput.of("/usr/bin/objdump", ["-dr", object])
        for name in Self.childFunctions {
            let body = try #require(text.components(separatedBy: "<\(name)>:\n").dropFirst().first?.components(separatedBy: "\n\n").first, "\(name) not in the object")
            let outside = body.split(separator: "\n").filter { $0.contains("R_X86_64_PLT32") || $0.contains("R_X86_64_GOTPCREL") || $0.contains("__tls_get_addr") }
            #expect(outside.isEmpty, "\(name) reaches outside child.c: \(outside)")
        }
    }
}
