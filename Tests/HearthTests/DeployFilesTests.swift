import Foundation
import Hearth
import HearthTesting
import Testing

/// The files docs/deploy.md tells an operator to install: the unit files
/// pass `systemd-analyze verify` without a complaint (pointed at the
/// built binary), and the example configuration is one Hearth accepts.
@Suite struct DeployFilesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The service (`Type=notify`, reload by SIGHUP) and the socket unit
    /// that activates it, verified together.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "needs systemd-analyze (Debian's systemd)"))
    func theUnitFilesVerifyCleanly() throws {
        let unit = try String(contentsOfFile: Self.repository + "/deploy/hearth.service", encoding: .utf8)
        let socket = try String(contentsOfFile: Self.repository + "/deploy/hearth.socket", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/hearth serve --config /etc/hearth/hearth.yaml"))
        #expect(unit.contains("\nType=notify\n"))
        #expect(unit.contains("\nExecReload=/bin/kill -HUP $MAINPID\n"))
        #expect(unit.contains("\nDelegate=yes\n"))
        #expect(socket.contains("\nListenStream=80\n"))
        let directory = try TemporaryDirectory()
        let files = [
            try directory.write("hearth.service", unit.replacingOccurrences(of: "/usr/local/bin/hearth", with: HearthProcess.executable)),
            try directory.write("hearth.socket", socket),
        ]
        let (status, complaints) = try ProgramOutput.run("/usr/bin/systemd-analyze", ["verify"] + files)
        #expect(status == 0)
        #expect(complaints.isEmpty, "\(complaints)")
    }

    @Test func theExampleConfigurationIsAccepted() throws {
        let configuration = try ConfigurationFile.load(path: Self.repository + "/deploy/hearth.yaml")
        #expect(configuration.server.user == "www-data")
        #expect(configuration.server.port == 80)
        #expect(configuration.cgiMounts.map(\.urlPath) == ["/cgi-bin"])
    }
}
