import Foundation
import HearthHTTP
import HearthTesting
import Testing

/// Warm scripts get the request's id as cold ones do (`UNIQUE_ID`,
/// `HTTP_X_REQUEST_ID`), their stderr lines carry it in the error log, and
/// a crashed worker's record says what it last wrote (issue 24).
@Suite("Request ids and stderr tails, warm", .serialized)
struct RequestIDWarmTests {
    /// Prints the two variables; `?stderr` writes a line there first.
    static let perlIDs = #"""
        #!/usr/bin/perl
        use CGI::Fast;
        $| = 1;
        while (my $q = CGI::Fast->new) {
            print STDERR "warm complaint\n" if ($ENV{QUERY_STRING} // '') eq 'stderr';
            print "Content-Type: text/plain\r\n\r\nUNIQUE_ID=$ENV{UNIQUE_ID} HTTP_X_REQUEST_ID=$ENV{HTTP_X_REQUEST_ID}\n";
        }
        """#

    @Test("a warm script sees the request's id; a client's X-Request-Id is replaced; its stderr line names the request")
    func warmScriptsGetTheID() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["ids.fcgi": Self.perlIDs], site: { $0.scriptPools = testPool() }, logger: WarmApps.logger(capture))
        try await site.whileServing { site in
            let response = try await site.get("/cgi-bin/ids.fcgi?stderr", headers: ["X-Request-Id: forged"])
            let id = try #require(response.header("x-request-id"))
            #expect(id != "forged")
            #expect(response.text == "UNIQUE_ID=\(id) HTTP_X_REQUEST_ID=\(id)\n")
            #expect(await Processes.eventually { capture.records.contains { $0.message == "warm complaint" } })
            let line = try #require(capture.records.first { $0.message == "warm complaint" })
            #expect(line.metadata[RequestID.metadataKey] == id)
        }
    }

    /// Twelve lines, then exit 3: a worker that can never start.
    static let perlChatty = #"""
        #!/usr/bin/perl
        print STDERR "line $_\n" for 1..12;
        exit 3;
        """#

    @Test("a crashed worker's record holds the last ten lines it wrote")
    func crashRecordHoldsTheTail() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["chatty.fcgi": Self.perlChatty], site: { $0.scriptPools = testPool { $0.crashLimit = 1 } }, logger: WarmApps.logger(capture))
        #expect(await Processes.eventually { capture.records.contains { $0.message == "worker exited with status 3" } })
        try await site.stop()
        let crash = try #require(capture.records.first { $0.message == "worker exited with status 3" })
        let tail = try #require(crash.metadata["last_output"])
        #expect(tail == (3...12).map { "line \($0)" }.joined(separator: " | "), "\(tail)")
    }
}
