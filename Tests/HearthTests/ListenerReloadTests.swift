import Foundation
import HearthTesting
import Testing

/// Issue 24, part 3: a reload rebinds changed listeners. A plain listener
/// added to `listen:` answers after the SIGHUP, one removed stops
/// accepting while a connection it had still gets its answer, and a
/// listener that cannot be bound leaves every listener as it was, with a
/// line saying why.
@Suite("Listeners rebound on SIGHUP", .serialized)
struct ListenerReloadTests {
    static func configuration(ports: [Int]) -> String {
        "access_log: off\nlisten:\n" + ports.map { "  - {host: 127.0.0.1, port: \($0)}\n" }.joined() + """
            static:
              - {url: /, root: public}

            """
    }

    static func get(_ port: Int) async throws -> String {
        try await rawRequest("GET /index.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: port).text
    }

    static func refuses(_ port: Int) -> Bool {
        (try? RawConnection(port: port, timeoutSeconds: 2)) == nil
    }

    @Test func anAddedListenerAnswersAndARemovedOneStopsAccepting() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("public/index.html", Array("hello".utf8))
        let (first, second) = (try RawConnection.unusedPort(), try RawConnection.unusedPort())
        try directory.write("hearth.yaml", Array(Self.configuration(ports: [first]).utf8))
        let hearth = try await HearthProcess.launch(HearthProcess.executable, arguments: ["serve", "--config", "hearth.yaml"], workingDirectory: directory.path)
        #expect(try await Self.get(first) == "hello")
        #expect(Self.refuses(second))

        try directory.write("hearth.yaml", Array(Self.configuration(ports: [first, second]).utf8))
        kill(hearth.pid, SIGHUP)
        #expect(await Processes.eventually { hearth.errors.contains("reload: configuration 2 serves") }, "\(hearth.errors)")
        #expect(hearth.errors.contains("reload: now also listening on http://127.0.0.1:\(second)/"))
        #expect(try await Self.get(second) == "hello")
        #expect(try await Self.get(first) == "hello")

        // A kept-alive connection on the listener about to go.
        let kept = try RawConnection(port: first)
        try await kept.send("GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await kept.readResponse().text == "hello")
        try directory.write("hearth.yaml", Array(Self.configuration(ports: [second]).utf8))
        kill(hearth.pid, SIGHUP)
        #expect(await Processes.eventually { hearth.errors.contains("reload: configuration 3 serves") })
        #expect(hearth.errors.contains("reload: no longer listening on http://127.0.0.1:\(first)/"))
        #expect(Self.refuses(first), "the removed listener still accepts")
        try await kept.send("GET /index.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(try await kept.readResponse().text == "hello", "a connection of the removed listener is served to its end")
        #expect(try await Self.get(second) == "hello")
        #expect(!hearth.errors.contains("takes effect at the next restart"), "\(hearth.errors)")
        #expect(try await hearth.terminate() == 0)
    }

    /// Issue 25, item 2 with item 4: a TLS listener, and a virtual host's
    /// certificate, added by a SIGHUP serve at once; a reload naming a
    /// certificate that cannot serve changes nothing.
    @Test func tlsAddedBySIGHUPServesItsCertificates() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("public/index.html", Array("hello".utf8))
        let certificates = try TestCertificates(in: directory.path + "/certs")
        try certificates.leaf("site", host: "localhost", serial: "1001")
        try certificates.leaf("other", host: "other.example", serial: "1002")
        let (plain, secure) = (try RawConnection.unusedPort(), try RawConnection.unusedPort())
        let siteTLS = "tls: {certificate: certs/site.pem, key: certs/site.key}"
        func listen(_ tls: String?) -> String {
            "access_log: off\nlisten:\n  - {host: 127.0.0.1, port: \(plain)}\n" + (tls.map { "  - {host: 127.0.0.1, port: \(secure), \($0)}\n" } ?? "")
        }
        try directory.write("hearth.yaml", Array((listen(nil) + "static:\n  - {url: /, root: public}\n").utf8))
        let hearth = try await HearthProcess.launch(HearthProcess.executable, arguments: ["serve", "--config", "hearth.yaml"], workingDirectory: directory.path)
        defer { _ = Processes.killSurvivors([hearth.pid]) }
        #expect(try await Self.get(plain) == "hello")

        try directory.write("hearth.yaml", Array((listen(siteTLS) + "static:\n  - {url: /, root: public}\n").utf8))
        kill(hearth.pid, SIGHUP)
        #expect(await Processes.eventually { hearth.errors.contains("reload: configuration 2 serves") }, "\(hearth.errors)")
        #expect(hearth.errors.contains("reload: now also listening on https://127.0.0.1:\(secure)/"), "\(hearth.errors)")
        let page = try await ProgramOutput.runAside("/usr/bin/curl", ["-sS", "--max-time", "20", "--cacert", certificates.directory + "/ca.pem", "--resolve", "localhost:\(secure):127.0.0.1", "https://localhost:\(secure)/index.html"])
        #expect(page.output == "hello", "\(page.output)")

        // A second site by name, with its own certificate.
        let hosts = """
            hosts:
              - {names: [localhost], default: true, static: [{url: /, root: public}]}
              - {names: [other.example], tls: {certificate: certs/other.pem, key: certs/other.key}, static: [{url: /, root: public}]}

            """
        try directory.write("hearth.yaml", Array((listen(siteTLS) + hosts).utf8))
        kill(hearth.pid, SIGHUP)
        #expect(await Processes.eventually { hearth.errors.contains("reload: configuration 3 serves") }, "\(hearth.errors)")
        #expect(try TLSClient.serial(port: secure, serverName: "other.example") == "1002")
        #expect(try TLSClient.serial(port: secure, serverName: "localhost") == "1001")

        // A certificate that is not there: the whole reload is refused.
        try directory.write("hearth.yaml", Array((listen("tls: {certificate: certs/missing.pem, key: certs/site.key}") + hosts).utf8))
        kill(hearth.pid, SIGHUP)
        #expect(await Processes.eventually { hearth.errors.contains("reload failed, still serving configuration 3") }, "\(hearth.errors)")
        #expect(hearth.errors.contains("listen[1].tls"), "the line names the key: \(hearth.errors)")
        #expect(try TLSClient.serial(port: secure, serverName: "other.example") == "1002")
        #expect(!hearth.errors.contains("takes effect at the next restart"), "\(hearth.errors)")
        #expect(try await hearth.terminate() == 0)
    }

    @Test func aListenerThatCannotBeBoundChangesNothing() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("public/index.html", Array("hello".utf8))
        let first = try RawConnection.unusedPort()
        // Taken by someone else: a socket of this test, listening.
        let squatter = try ListeningSocket()
        try directory.write("hearth.yaml", Array(Self.configuration(ports: [first]).utf8))
        let hearth = try await HearthProcess.launch(HearthProcess.executable, arguments: ["serve", "--config", "hearth.yaml"], workingDirectory: directory.path)
        try directory.write("hearth.yaml", Array(Self.configuration(ports: [squatter.port]).utf8))
        kill(hearth.pid, SIGHUP)
        #expect(await Processes.eventually { hearth.errors.contains("reload: listen not applied, still listening as before") }, "\(hearth.errors)")
        #expect(hearth.errors.contains("127.0.0.1:\(squatter.port)") && hearth.errors.contains("address already in use"))
        #expect(try await Self.get(first) == "hello", "the old listener still serves")
        #expect(try await hearth.terminate() == 0)
    }
}

/// A TCP socket listening on a loopback port of its own, closed with the
/// value: a port someone else holds.
final class ListeningSocket: Sendable {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ready else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
