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
    /// Answers every request; after `?leave` it finishes the request, waits
    /// 300 ms (a request sent meanwhile is never read) and exits 0;
    /// after `?crash` it does the same but dies by SIGKILL.
    static let perlLeaving = #"""
        #!/usr/bin/perl
        use FCGI;
        my $request = FCGI::Request();
        my $count = 0;
        while ($request->Accept() >= 0) {
            $count++;
            print "Content-Type: text/plain\r\n\r\ncount=$count pid=$$ method=$ENV{REQUEST_METHOD}\n";
            my $query = $ENV{QUERY_STRING} // '';
            next unless $query eq 'leave' || $query eq 'crash';
            $request->Finish();
            select(undef, undef, undef, 0.3);
            kill 'KILL', $$ if $query eq 'crash';
            exit 0;
        }
        """#

    static func start(_ capture: LogCapture) async throws -> (CGITestSite, TemporaryDirectory) {
        let app = try TemporaryDirectory()
        let program = try app.write("leaving.fcgi", Self.perlLeaving, mode: 0o755)
        let site = try await CGITestSite.start(scripts: [:], site: { configuration in
            configuration.fastCGIMounts = [FastCGIMountConfiguration(urlPath: "/app", backend: .pool(testPool { $0.command = [program] }))]
        }, logger: WarmApps.logger(capture))
        return (site, app)
    }

    static let post = "POST /app HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\nx=1"

    @Test("a POST sent to a worker as it leaves by itself (status 0) is answered by a fresh worker")
    func postToALeavingWorker() async throws {
        let capture = LogCapture()
        let (site, app) = try await Self.start(capture)
        try await site.whileServing { site in
            let last = try await site.get("/app?leave")
            #expect(last.text.hasPrefix("count=1 "))
            let post = try await site.request(Self.post)
            #expect(post.status == 200, "\(post.statusLine)")
            #expect(post.text.hasPrefix("count=1 ") && post.text.hasSuffix("method=POST\n"), "\(post.text)")
            #expect(post.text.components(separatedBy: " ")[1] != last.text.components(separatedBy: " ")[1])
        }
        let retry = capture.records.first { $0.message.hasPrefix("FastCGI connection closed before an answer") }
        #expect(retry?.metadata["because"] == "the worker had left by itself (status 0)", "\(capture.records.map(\.message))")
        _ = app
    }

    @Test("a POST sent to a worker that is then killed is not sent again: 502")
    func postToAKilledWorkerIsNotRepeated() async throws {
        let capture = LogCapture()
        let (site, app) = try await Self.start(capture)
        try await site.whileServing { site in
            let last = try await site.get("/app?crash")
            #expect(last.status == 200)
            #expect(try await site.request(Self.post).status == 502)
            #expect(try await site.get("/app").status == 200)
        }
        #expect(!capture.records.contains { $0.message.hasPrefix("FastCGI connection closed before an answer") })
        _ = app
    }
}
