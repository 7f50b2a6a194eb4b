import Foundation
import Glibc
import Hearth
import HearthTesting
import HearthWorkers
import Testing

/// php-cgi run warm by Hearth: a `fastcgi:` mount with a command and a
/// directory of .php files (SCRIPT_FILENAME, as php-fpm is fed).
@Suite("Warm php-cgi pool", .serialized)
struct PHPWorkerTests {
    /// The pages directory lives as long as the test holds this.
    struct PHPSite {
        let site: CGITestSite
        let pages: TemporaryDirectory
        func get(_ path: String) async throws -> RawResponse { try await site.get(path) }
        func request(_ text: String) async throws -> RawResponse { try await site.request(text) }
        func stop() async throws { try await site.stop() }
    }

    static func start(capture: LogCapture = LogCapture(), pool: (inout WorkerPoolConfiguration) -> Void = { _ in }) async throws -> PHPSite {
        let pages = try TemporaryDirectory()
        _ = try pages.write("page.php", WarmApps.phpPage)
        _ = try pages.write("notes.txt", "not for the PHP interpreter")
        let site = try await CGITestSite.start(scripts: [:], site: { configuration in
            var mount = FastCGIMountConfiguration(urlPath: "/warm/php", backend: .pool(testPool {
                $0.command = [WarmApps.phpCGI]
                $0.environment = [("PATH", "/usr/bin:/bin"), ("PHP_FCGI_MAX_REQUESTS", "0")]
                pool(&$0)
            }))
            mount.directory = pages.path
            configuration.fastCGIMounts = [mount]
        }, logger: WarmApps.logger(capture))
        return PHPSite(site: site, pages: pages)
    }

    @Test("one php-cgi process serves request after request (the PHP process persists; PHP's variables are per request by design)")
    func processPersists() async throws {
        let site = try await Self.start()
        var pids: Set<Int32> = []
        for _ in 0..<5 {
            let response = try await site.get("/warm/php/page.php")
            #expect(response.status == 200)
            #expect(response.text.contains("method=GET script=/warm/php/page.php"))
            pids.formUnion(response.workerPID.map { [$0] } ?? [])
        }
        #expect(pids.count == 1)
        try await site.stop()
    }

    @Test("a form POST reaches PHP's $_POST")
    func post() async throws {
        let site = try await Self.start()
        let body = "field=warm+value"
        let response = try await site.request(
            "POST /warm/php/page.php HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        #expect(response.status == 200)
        #expect(response.text.contains("method=POST"))
        #expect(response.text.contains("posted=warm value"))
        try await site.stop()
    }

    @Test("PHP's Location header comes with its own Status: 302 (RFC 3875 §6.2.4 client redirect with document), passed on as it is")
    func clientRedirect() async throws {
        let site = try await Self.start()
        let response = try await site.get("/warm/php/page.php?redirect=1")
        #expect(response.status == 302)
        #expect(response.header("Location") == "/warm/php/page.php?from=redirect")
        try await site.stop()
    }

    @Test("a file without a listed extension is never handed to php-cgi (403), a missing one is 404")
    func onlyListedExtensions() async throws {
        let capture = LogCapture()
        let site = try await Self.start(capture: capture)
        #expect(try await site.get("/warm/php/notes.txt").status == 403)
        #expect(try await site.get("/warm/php/missing.php").status == 404)
        try await site.stop()
        // The log says what happened: the file is not a .php file (not "not executable").
        #expect(capture.records.contains { $0.metadata["status"] == "403" && $0.message == "not a .php file: \(site.pages.path)/notes.txt" })
    }

    @Test("a killed php-cgi is replaced; the next request is served")
    func killedWorker() async throws {
        let site = try await Self.start()
        let pid = try #require(try await site.get("/warm/php/page.php").workerPID)
        kill(pid, SIGKILL)
        #expect(await Processes.waitUntilGone(pid))
        let next = try await site.get("/warm/php/page.php")
        #expect(next.status == 200)
        #expect(next.workerPID != pid)
        try await site.stop()
    }

    @Test("PHP's error_log reaches Hearth's error log")
    func stderr() async throws {
        let capture = LogCapture()
        let site = try await Self.start(capture: capture)
        #expect(try await site.get("/warm/php/page.php?stderr=hello").status == 200)
        try await site.stop()
        #expect(capture.records.contains { $0.message.contains("php says hello") })
    }
}
