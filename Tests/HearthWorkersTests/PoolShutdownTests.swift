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
    @Test("a restart due when the pool shuts down never starts a worker")
    func noStartAfterShutdown() async throws {
        let capture = LogCapture()
        var logger = capture.logger()
        logger.logLevel = .debug
        let site = try await CGITestSite.start(scripts: ["counter.fcgi": WarmApps.perlCounter], site: { $0.scriptPools = testPool() }, logger: logger)
        let started = { capture.records.filter { $0.message == "worker started" }.compactMap { $0.metadata["pid"].flatMap { Int32($0) } } }
        // The worker exits with status 3 mid-request (CGI::Fast still ends
        // the request: "no output", 500): a crash, restarted after 100 ms.
        let crash = try await site.request("POST /cgi-bin/counter.fcgi?exit=3 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        #expect(crash.status == 500)
        #expect(await Processes.eventually { capture.records.contains { $0.message == "worker exited with status 3" } })
        let pool = try #require(site.site.workers?.all.values.first)
        await pool.shutdown()
        let atShutdown = started()
        #expect(atShutdown.allSatisfy { !Processes.isAlive($0) })
        // The wait is for a start that must not come (the backoff is 100 ms).
        #expect(!(await Processes.eventually(seconds: 0.5) { started().count > atShutdown.count }), "\(started())")
        Processes.killSurvivors(started())
        try await site.stop()
    }
}
