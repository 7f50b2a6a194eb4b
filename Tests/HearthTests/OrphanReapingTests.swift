import Foundation
import HearthTesting
import Testing

/// SECURITY.md, "no zombies", in a container without an init: as PID 1 of
/// its own pid namespace (`unshare --pid --fork`), Hearth inherits every
/// orphan its scripts leave. Hearth 6434200 reaped only what it spawned:
/// one request to this script left 51 zombies, and each such request leaked
/// pids until `pids.max`.
@Suite struct OrphanReapingTests {
    static let script = """
        #!/bin/sh
        i=0
        while [ $i -lt 50 ]; do
            sleep 0.2 &
            i=$((i + 1))
        done
        printf 'Content-Type: text/plain\\n\\nleft 50 children\\n'

        """

    @Test(.enabled(if: getuid() == 0, "a pid namespace needs root"))
    func asPID1HearthReapsTheOrphansOfItsScripts() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("cgi-bin/orphans", Self.script, mode: 0o755)
        try FileManager.default.createDirectory(atPath: directory.path + "/public", withIntermediateDirectories: true)
        let unshare = try #require(["/usr/bin/unshare", "/bin/unshare"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let server = try await HearthProcess.launch(
            unshare, arguments: ["--pid", "--fork", "--mount-proc", "--kill-child=SIGTERM", HearthProcess.executable, "serve", "--port", "0"],
            workingDirectory: directory.path
        )
        let response = try await rawRequest("GET /cgi-bin/orphans HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: server.port)
        // Hearth itself, PID 1 inside, is the unshare process's only child.
        let hearth = try #require(Processes.children(of: server.pid).first)
        // The orphans exit 0.2 s after the answer; the sweep runs each second.
        let reaped = await Processes.eventually(seconds: 10) { Processes.zombieChildren(of: hearth).isEmpty && Processes.children(of: hearth).isEmpty }
        let left = Processes.zombieChildren(of: hearth).count
        // SIGTERM to Hearth itself: unshare then exits with its status.
        kill(hearth, SIGTERM)
        #expect(try await server.exitStatus() == 0)
        #expect(response.status == 200 && response.text == "left 50 children\n")
        #expect(reaped, "\(left) zombies left under PID 1")
    }
}
