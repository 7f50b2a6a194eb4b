import Foundation
import Hearth
import HearthTesting
import HearthWorkers
import Testing

/// SECURITY.md, send timeout, warm: a worker's one process held by a client
/// that never reads is freed by the send timeout for the next request.
@Suite struct WarmStallTests {
    @Test func aClientThatNeverReadsReleasesTheWarmWorker() async throws {
        let worker = #"""
            #!/usr/bin/perl
            use CGI::Fast;
            while (my $q = CGI::Fast->new) {
                print "Content-Type: text/plain\r\n\r\n";
                if (($ENV{QUERY_STRING} // '') eq 'flood') { print(("x" x 65536) . "\n") for 1 .. 4000; } else { print "quick\n"; }
            }
            """#
        let site = try await CGITestSite.start(scripts: ["work.fcgi": worker], site: {
            var pool = WorkerPoolConfiguration()
            pool.maxProcesses = 1
            pool.queueTimeout = .seconds(15)
            $0.scriptPools = pool
            $0.server.sendTimeout = .milliseconds(500)
        })
        let stalled = try RawConnection(port: site.port)
        try await stalled.send("GET /cgi-bin/work.fcgi?flood HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await stalled.readSome(upTo: 1)  // the flood is under way
        let next = try await rawRequest("GET /cgi-bin/work.fcgi HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: site.port, timeoutSeconds: 15)
        try await site.stop()
        stalled.close()
        #expect(next.status == 200 && next.text == "quick\n", "the worker was released: \(next.statusLine)")
    }
}
