import Foundation
import Glibc
import HearthTesting
import Testing

/// The real `hearth` binary: SIGHUP reloads its worker pools, SIGTERM stops
/// its workers with it (issue 5: "graceful reload on SIGHUP").
@Suite("hearth and its workers, as a process", .serialized)
struct ReloadSignalTests {
    @Test("SIGHUP starts a new generation of workers and the old one goes; SIGTERM leaves no worker behind")
    func sighupReloads() async throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("cgi/counter.fcgi", WarmApps.perlCounter, mode: 0o755)
        _ = try directory.write("hearth.yaml", """
            access_log: off
            cgi: [{url: /cgi-bin, directory: cgi}]
            static: []
            fcgi_scripts: {min_processes: 1, max_processes: 1, kill_grace: 200ms}
            """)
        let hearth = try await HearthProcess.start(["--config", "hearth.yaml"], workingDirectory: directory.path)
        let get = "GET /cgi-bin/counter.fcgi HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        let first = try #require(try await rawRequest(get, port: hearth.port).workerPID)
        #expect(try await rawRequest(get, port: hearth.port).text.hasPrefix("count=2 "))
        kill(hearth.pid, SIGHUP)
        #expect(await Processes.waitUntilGone(first))
        let after = try await rawRequest(get, port: hearth.port)
        #expect(after.status == 200)
        #expect(after.text.hasPrefix("count=1 "))
        let second = try #require(after.workerPID)
        #expect(second != first)
        #expect(try await hearth.terminate() == 0)
        #expect(!Processes.isAlive(second))
    }
}

/// Memory limits, with a worker that grows on request.
@Suite("Worker memory limit", .serialized)
struct MemoryLimitTests {
    /// `?grow=MB` keeps that many more megabytes for the rest of its life.
    static let growing = #"""
        #!/usr/bin/perl
        use CGI::Fast;
        my @kept;
        while (my $q = CGI::Fast->new) {
            if (($ENV{QUERY_STRING} // '') =~ /grow=(\d+)/) { push @kept, 'x' x ($1 * 1024 * 1024); }
            print "Content-Type: text/plain\r\nX-Worker-Pid: $$\r\n\r\nok\n";
        }
        """#

    @Test("a worker above max_memory after a request is replaced")
    func replacedAboveTheLimit() async throws {
        let site = try await CGITestSite.start(
            scripts: ["grow.fcgi": Self.growing], site: { $0.scriptPools = testPool { $0.maxResidentBytes = 64 << 20 } })
        let small = try #require(try await site.get("/cgi-bin/grow.fcgi").workerPID)
        #expect(try await site.get("/cgi-bin/grow.fcgi").workerPID == small)
        let grown = try await site.get("/cgi-bin/grow.fcgi?grow=100")
        #expect(grown.status == 200)
        #expect(await Processes.waitUntilGone(small))
        let next = try await site.get("/cgi-bin/grow.fcgi")
        #expect(next.status == 200)
        #expect(next.workerPID != small)
        try await site.stop()
    }
}
