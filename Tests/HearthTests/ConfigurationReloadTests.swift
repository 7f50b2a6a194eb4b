import Foundation
import HearthTesting
import Synchronization
import Testing

/// Issue 24, part 3: SIGHUP reloads the whole configuration of the real
/// `hearth` binary. Two configurations that answer "A" and "B" at the same
/// URLs (a cold script, a static file, a warm pool) alternate under a
/// continuous load: every answer is one configuration's or the other's,
/// none fails, and each reload is seen by the next request.
@Suite("Whole-configuration reload on SIGHUP", .serialized)
struct ConfigurationReloadTests {
    /// What each URL answers under configuration `letter`.
    static let paths = ["/cgi-bin/who", "/index.html", "/cgi-bin/warm.fcgi"]

    static func site() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        for letter in ["A", "B"] {
            let lower = letter.lowercased()
            try directory.write("cgi-\(lower)/who", Array("#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n\(letter)'\n".utf8), mode: 0o755)
            try directory.write("cgi-\(lower)/warm.fcgi", Array("""
                #!/usr/bin/perl
                use CGI::Fast;
                while (my $q = CGI::Fast->new) { print "Content-Type: text/plain\\r\\n\\r\\n\(letter)"; }

                """.utf8), mode: 0o755)
            try directory.write("public-\(lower)/index.html", Array(letter.utf8))
            try directory.write("\(lower).yaml", Array(configuration(lower).utf8))
        }
        return directory
    }

    static func configuration(_ lower: String) -> String {
        """
        access_log: off
        cgi:
          - url: /cgi-bin
            directory: cgi-\(lower)
        fcgi_scripts: {min_processes: 1, max_processes: 2, kill_grace: 200ms}
        static:
          - url: /
            root: public-\(lower)

        """
    }

    /// Puts `name` in place as hearth.yaml at once (a rename), as an
    /// editor or a deployment tool does.
    static func activate(_ name: String, in directory: TemporaryDirectory) throws {
        try FileManager.default.copyItem(atPath: directory.path + "/" + name, toPath: directory.path + "/next.yaml")
        guard rename(directory.path + "/next.yaml", directory.path + "/hearth.yaml") == 0 else { throw POSIXError(.EIO) }
    }

    /// SIGHUP, then waits for the log line saying configuration `number` serves.
    static func reload(_ hearth: HearthProcess, to number: Int) async -> Bool {
        kill(hearth.pid, SIGHUP)
        return await Processes.eventually(seconds: 30) {
            hearth.errors.contains("reload: configuration \(number) serves from now on")
        }
    }

    @Test("ten reloads alternating two configurations under load: every answer is one or the other, none fails")
    func alternatingUnderLoad() async throws {
        let directory = try Self.site()
        try Self.activate("a.yaml", in: directory)
        let hearth = try await HearthProcess.start(["--config", "hearth.yaml"], workingDirectory: directory.path)
        let load = ReloadLoad(port: hearth.port)
        let clients = Task { try await load.run(clients: 6) }
        // However the test ends (a failed request throws), the load stops.
        defer { load.stop() }
        for number in 2...11 {
            let letter = number % 2 == 0 ? "B" : "A"
            try Self.activate(letter.lowercased() + ".yaml", in: directory)
            #expect(await Self.reload(hearth, to: number), "reload \(number): \(hearth.errors.suffix(2000))")
            // The request after the reload is the new configuration's.
            for path in Self.paths {
                let response = try await rawRequest("GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: hearth.port)
                #expect(response.status == 200 && response.text == letter, "after reload \(number): \(path) → \(response.statusLine) \(response.text)")
            }
        }
        load.stop()
        let answered = try await clients.value
        #expect(load.failures.isEmpty, "\(load.failures.prefix(10))")
        #expect(answered >= 100, "only \(answered) requests during ten reloads")
        // The replaced configurations' pools are gone: the workers left are
        // the current pool's (configuration 11 is A's).
        let current = { (pid: Int32) in (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?.contains("/cgi-a/warm.fcgi") == true }
        #expect(await Processes.eventually { Processes.children(of: hearth.pid).allSatisfy(current) }, "\(Processes.children(of: hearth.pid))")
        #expect((1...2).contains(Processes.children(of: hearth.pid).count))
        #expect(try await hearth.terminate() == 0)
    }

    /// The replaced site's pools end while the server shuts down: that is
    /// not a failure of the service group (it was, with the pools in the
    /// group itself: exit 1, "A service has finished unexpectedly").
    @Test("a stop right after a reload is a clean stop")
    func stopRightAfterAReload() async throws {
        let directory = try Self.site()
        try Self.activate("a.yaml", in: directory)
        let hearth = try await HearthProcess.start(["--config", "hearth.yaml"], workingDirectory: directory.path)
        #expect(try await rawRequest("GET /cgi-bin/warm.fcgi HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: hearth.port).text == "A")
        try Self.activate("b.yaml", in: directory)
        #expect(await Self.reload(hearth, to: 2))
        #expect(try await hearth.terminate() == 0, "\(hearth.errors.suffix(1500))")
        #expect(!hearth.errors.contains("finished unexpectedly"))
    }

    @Test("a reload with a bad file changes nothing and says why; the next good one applies")
    func badFileChangesNothing() async throws {
        let directory = try Self.site()
        try Self.activate("a.yaml", in: directory)
        let hearth = try await HearthProcess.start(["--config", "hearth.yaml"], workingDirectory: directory.path)
        let broken = Self.configuration("b").replacingOccurrences(of: "directory: cgi-b", with: "directory: cgi-missing")
        try directory.write("broken.yaml", Array(broken.utf8))
        try Self.activate("broken.yaml", in: directory)
        kill(hearth.pid, SIGHUP)
        #expect(await Processes.eventually { hearth.errors.contains("reload failed, still serving configuration 1") })
        #expect(hearth.errors.contains("hearth.yaml:4:16: cgi[0].directory: ") && hearth.errors.contains("cgi-missing is not a directory"), "\(hearth.errors)")
        for path in Self.paths {
            #expect(try await rawRequest("GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: hearth.port).text == "A")
        }
        try Self.activate("b.yaml", in: directory)
        #expect(await Self.reload(hearth, to: 2))
        #expect(try await rawRequest("GET /cgi-bin/who HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: hearth.port).text == "B")
        #expect(try await hearth.terminate() == 0)
    }

    @Test("a setting that lives as long as the process is logged as waiting for a restart")
    func restartOnlySettings() async throws {
        let directory = try Self.site()
        try Self.activate("a.yaml", in: directory)
        let hearth = try await HearthProcess.start(["--config", "hearth.yaml"], workingDirectory: directory.path)
        try directory.write("hearth.yaml", Array((Self.configuration("b") + "server: {max_header_count: 50}\n").utf8))
        #expect(await Self.reload(hearth, to: 2))
        #expect(hearth.errors.contains("reload: server (HTTP limits, user, trusted_proxies) changed; it takes effect at the next restart"))
        let status = try await hearth.terminate()
        #expect(status == 0, "exit \(status): \(hearth.errors)")
    }
}

/// Clients that keep asking every URL of `ConfigurationReloadTests.paths`
/// until stopped, on fresh connections and on kept-alive ones, and note
/// every answer that is neither configuration's.
final class ReloadLoad: Sendable {
    let port: Int
    private let stopped = Atomic<Bool>(false)
    private let noted = Mutex<[String]>([])
    /// A bound on the load whatever the test does: ten reloads take a few
    /// seconds.
    private let deadline = ContinuousClock.now + .seconds(120)

    init(port: Int) { self.port = port }

    var failures: [String] { noted.withLock { $0 } }
    func stop() { stopped.store(true, ordering: .relaxed) }
    private var running: Bool { !stopped.load(ordering: .relaxed) && ContinuousClock.now < deadline }

    /// The number of answers checked.
    func run(clients: Int) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for client in 0..<clients {
                group.addTask { client % 2 == 0 ? await self.freshConnections() : await self.keptAlive() }
            }
            return try await group.reduce(0, +)
        }
    }

    private func freshConnections() async -> Int {
        var count = 0
        while running {
            for path in ConfigurationReloadTests.paths {
                do {
                    check(path, try await rawRequest("GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: port))
                } catch {
                    note("\(path): \(error)")
                }
                count += 1
            }
        }
        return count
    }

    /// One connection for many requests: those in flight at a swap finish
    /// on their configuration, the next on the new one.
    private func keptAlive() async -> Int {
        var count = 0
        while running {
            do {
                let connection = try RawConnection(port: port)
                defer { connection.close() }
                for _ in 0..<20 {
                    for path in ConfigurationReloadTests.paths {
                        try await connection.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
                        check(path, try await connection.readResponse())
                        count += 1
                    }
                }
            } catch {
                note("kept-alive: \(error)")
            }
        }
        return count
    }

    private func check(_ path: String, _ response: RawResponse) {
        guard response.status == 200, ["A", "B"].contains(response.text) else {
            return note("\(path): \(response.statusLine) \(response.text.prefix(200))")
        }
    }

    private func note(_ failure: String) { noted.withLock { $0.append(failure) } }
}
