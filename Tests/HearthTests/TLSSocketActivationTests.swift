import Foundation
import HearthTesting
import Testing

/// `listen:` under socket activation: systemd's sockets are the listeners,
/// matched to `listen:`'s items in order, so the second socket speaks TLS
/// when the second item has `tls:` (docs/configuration.md, "`listen`
/// items").
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: SocketActivationTests.activator), "needs systemd-socket-activate (Debian's systemd)"))
struct TLSSocketActivationTests {
    @Test func inheritedSocketsTakeTheListenItemsInOrder() async throws {
        let site = try TLSListenerTests.site()
        let (plain, secure) = (try RawConnection.unusedPort(), try RawConnection.unusedPort())
        // A shell between this process and the activator, as
        // SocketActivationTests.servesOnTheSocketSystemdPasses explains.
        let command = "\(SocketActivationTests.activator) -l 127.0.0.1:\(plain) -l 127.0.0.1:\(secure) "
            + "\(HearthProcess.executable) serve --config hearth.yaml; exit $?"
        async let started = HearthProcess.launch("/bin/sh", arguments: ["-c", command], workingDirectory: site.path)
        // systemd-socket-activate starts Hearth on the first connection.
        #expect(await Processes.eventually(seconds: 30) { (try? RawConnection(port: plain, timeoutSeconds: 1))?.close() != nil })
        let shell = try await started
        let hearth = try #require(Processes.children(of: shell.pid).first)
        defer { Processes.killSurvivors([hearth, shell.pid]) }
        #expect(await Processes.eventually(seconds: 20) { shell.errors.contains("listening on https://127.0.0.1:\(secure)/ (an inherited socket)") })
        let overTLS = try TLSClient.get("/cgi-bin/env", port: secure, caFile: site.ca)
        #expect(overTLS.output.contains("HTTPS=on") && overTLS.output.lowercased().contains("strict-transport-security: max-age=600"), "\(overTLS.output)")
        let overPlain = try await rawRequest("GET /cgi-bin/env HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", port: plain)
        #expect(overPlain.status == 200 && !overPlain.text.contains("HTTPS="))
        kill(hearth, SIGTERM)
        #expect(try await shell.exitStatus() == 0)
    }
}
