import Foundation
import Hearth
import HearthTesting
import HearthWorkers
import Testing

/// A pool stopped while a worker is due to start (a crashed one's restart
/// after its backoff; one that left by itself being replaced, as gitweb's
/// after each error page) starts none. Such starts used to spawn anyway,
/// after the shutdown, and a `hearth` exiting right after its shutdown
/// left their workers to init: gitweb workers were found there after full
/// test runs.
@Suite("Pool shutdown", .serialized)
struct PoolShutdownTests {
    /// Answers, then exits with status 3: a crash between requests.
    static let perlCrashing = #"""
        #!/usr/bin/perl
        use FCGI;
        my $request = FCGI::Request();
        while ($request->Accept() >= 0) {
            print "Content-Type: text/plain\r\n\r\npid=$$\n";
            $request->Finish();
            exit 3;
        }
        """#

    @Test("a restart due when the pool shuts down never starts a worker")
    func noStartAfterShutdown() async throws {
        let capture = LogCapture()
        var logger = capture.logger()
        logger.logLevel = .debug
        let site = try await CGITestSite.start(
            scripts: ["crashing.fcgi": Self.perlCrashing], site: { $0.scriptPools = testPool { $0.crashLimit = 10 } }, logger: logger)
        let crashes = { capture.records.filter { $0.message == "worker exited with status 3" }.count }
        let started = { capture.records.filter { $0.message == "worker started" }.compactMap { $0.metadata["pid"].flatMap { Int32($0) } } }
        // Four crashes: the next restart waits 800 ms (100 ms, doubling).
        for crash in 1...4 {
            let answer = try await site.get("/cgi-bin/crashing.fcgi")
            #expect(answer.status == 200, "\(answer.statusLine) \(capture.records.filter { $0.level >= .notice }.map { "\($0.message) \($0.metadata)" })")
            #expect(await Processes.eventually { crashes() == crash })
        }
        let pool = try #require(site.site.workers?.all.values.first)
        await pool.shutdown()
        let atShutdown = started()
        #expect(atShutdown.allSatisfy { !Processes.isAlive($0) })
        // The wait is for a start that must not come.
        #expect(!(await Processes.eventually(seconds: 1.5) { started().count > atShutdown.count }), "\(started())")
        Processes.killSurvivors(started())
        try await site.stop()
    }
}
