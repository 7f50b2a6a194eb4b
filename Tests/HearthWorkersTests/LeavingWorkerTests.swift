import Foundation
import Hearth
import HearthTesting
import HearthWorkers
import Testing

/// A worker that ends its own loop after answering (gitweb after each
/// error page, php-cgi after PHP_FCGI_MAX_REQUESTS) never reads the
/// request sent to it in the moment before it exits. That request was
/// never taken, so it goes to a fresh worker whatever its method; a POST
/// was answered 502 before (gitweb: 16 POSTs in 20 right after an error
/// page).
@Suite("Workers that leave by themselves", .serialized)
struct LeavingWorkerTests {
    /// Answers every request. After `?leave` it finishes the request, waits
    /// for the next one to arrive (data on its connection or its listening
    /// socket), never reads it and exits 0; after `?crash` the same, but
    /// it dies by SIGKILL. After `?close=PATH` it closes its listening
    /// socket and connection, writes its pid to PATH and lingers.
    static let perlLeaving = #"""
        #!/usr/bin/perl
        use FCGI;
        use POSIX ();
        my $request = FCGI::Request();
        my $count = 0;
        while ($request->Accept() >= 0) {
            $count++;
            print "Content-Type: text/plain\r\n\r\ncount=$count pid=$$ method=$ENV{REQUEST_METHOD}\n";
            my $query = $ENV{QUERY_STRING} // '';
            next unless $query =~ /^(leave|crash|close=(.+))$/;
            $request->Finish();
            if ($2) {
                POSIX::close($_) for 0, 3 .. 63;
                open(my $f, '>', $2) or die; print $f $$; close $f;
                sleep 30;
                exit 0;
            }
            my $sockets = '';
            for my $fd (0, 3 .. 63) { vec($sockets, $fd, 1) = 1 if -e "/proc/self/fd/$fd"; }
            select(my $ready = $sockets, undef, undef, 30);
            kill 'KILL', $$ if $query eq 'crash';
            exit 0;
        }
        """#

    /// What the worker answers to `GET ?last`, to the POST sent right
    /// after it, and to a GET after that; and the log.
    static func postAfter(
        _ last: String, then wait: () async -> Void = {}
    ) async throws -> (last: RawResponse, post: RawResponse, next: RawResponse, log: LogCapture) {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["leaving.fcgi": Self.perlLeaving], site: { $0.scriptPools = testPool() }, logger: WarmApps.logger(capture))
        let first = try await site.get("/cgi-bin/leaving.fcgi?\(last)")
        await wait()
        let post = try await site.request(
            "POST /cgi-bin/leaving.fcgi HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\nx=1")
        let next = try await site.get("/cgi-bin/leaving.fcgi")
        try await site.stop()
        return (first, post, next, capture)
    }

    /// The second tries logged. (A GET may have one of its own: a worker
    /// now and then drops a connection unanswered under heavy load, see
    /// PerlWorkerTests.freshClientConnections; only the POST's matter.)
    static func retries(_ log: LogCapture) -> [LogCapture.Record] {
        log.records.filter { $0.message.hasPrefix("FastCGI connection closed before an answer") }
    }

    static let left = "the worker had left by itself (status 0)"

    @Test("a POST sent to a worker as it leaves by itself (status 0) is answered by a fresh worker")
    func postToALeavingWorker() async throws {
        let (last, post, _, log) = try await Self.postAfter("leave")
        #expect(last.text.hasPrefix("count=1 "))
        #expect(post.status == 200, "\(post.statusLine)")
        #expect(post.text.hasPrefix("count=1 ") && post.text.hasSuffix("method=POST\n"), "\(post.text)")
        #expect(post.text.components(separatedBy: " ")[1] != last.text.components(separatedBy: " ")[1])
        #expect(Self.retries(log).last?.metadata["because"] == Self.left, "\(log.records.map { "\($0.message) \($0.metadata)" })")
    }

    @Test("a POST sent to a worker that is then killed is not sent again: 502")
    func postToAKilledWorkerIsNotRepeated() async throws {
        let (last, post, next, log) = try await Self.postAfter("crash")
        #expect(last.status == 200)
        #expect(post.status == 502)
        #expect(next.status == 200)
        #expect(!Self.retries(log).contains { $0.metadata["because"] == Self.left })
    }

    @Test("a POST to a worker that no longer listens (it left before the pool saw it) goes to a fresh worker")
    func postToAWorkerThatNoLongerListens() async throws {
        let marks = try TemporaryDirectory()
        let (last, post, _, log) = try await Self.postAfter("close=\(marks.path)/closed") {
            _ = await Processes.readPid(at: marks.path + "/closed")
        }
        #expect(last.status == 200)
        #expect(post.status == 200 && post.text.hasPrefix("count=1 "), "\(post.statusLine) \(post.text)")
        #expect(log.records.contains { $0.message == "worker refused the connection; trying another" }, "\(log.records.map(\.message))")
        #expect(!Self.retries(log).contains { $0.metadata["because"] == Self.left })
    }
}
