import Foundation
import HearthTesting
import Testing

/// `hearth` sets its own process-wide settings in main (ProcessSettings):
/// started by a parent that ignores SIGCHLD (a disposition exec keeps),
/// it still learns how each script exited, and it ignores SIGPIPE.
@Suite struct ProcessSettingsTests {
    @Test func aServerStartedWithSIGCHLDIgnoredStillSeesExitStatuses() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("cgi-bin/three", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nbye\\n'\nexit 3\n", mode: 0o755)
        let hearth = try await HearthProcess.launch(
            "/bin/sh", arguments: ["-c", "trap '' CHLD; exec \"$0\" \"$@\"", HearthProcess.executable, "serve", "--port", "0"],
            workingDirectory: directory.path
        )
        let response = try await rawRequest("GET /cgi-bin/three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: hearth.port)
        let ignored = try Self.ignoredSignals(of: hearth.pid)
        let logged = await Processes.eventually { hearth.errors.contains("exit=3") }
        #expect(try await hearth.terminate() == 0)
        #expect(response.text == "bye\n")
        #expect(logged, "the exit status was kept: \(hearth.errors)")
        #expect(ignored & (1 << (SIGPIPE - 1)) != 0, "SIGPIPE ignored")
        #expect(ignored & (1 << (SIGCHLD - 1)) == 0, "SIGCHLD back to default")
    }

    /// SigIgn of /proc/PID/status, a hexadecimal mask.
    static func ignoredSignals(of pid: Int32) throws -> UInt64 {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") } ?? ""
        return UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
    }
}
