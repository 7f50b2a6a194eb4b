import Foundation
import Glibc
import Hearth
import HearthTesting
import HearthWorkers
import Testing

/// A mount pointing at a FastCGI server Hearth did not start: php-cgi in
/// its own external-server mode (`php-cgi -b SOCKET`), as php-fpm would be.
@Suite("Remote FastCGI backend", .serialized)
struct RemoteBackendTests {
    @Test("requests go to the running server, one connection kept open and reused (FCGI_KEEP_CONN)")
    func keepConnection() async throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("page.php", WarmApps.phpPage)
        let socket = directory.path + "/php.sock"
        let php = try await WarmApps.startPHPServer(socket: socket)
        defer { kill(php.processIdentifier, SIGKILL); php.waitUntilExit() }

        let site = try await CGITestSite.start(scripts: [:], site: { configuration in
            var mount = FastCGIMountConfiguration(urlPath: "/warm/php", backend: .remote(RemoteBackendConfiguration(address: .unix(socket))))
            mount.directory = directory.path
            configuration.fastCGIMounts = [mount]
        })
        // Sockets php-cgi holds before any request: its listening socket (and
        // whatever it inherited); what appears after is a connection.
        let before = Self.sockets(of: php.processIdentifier)
        var connections: Set<String> = []
        for _ in 0..<5 {
            let response = try await site.get("/warm/php/page.php")
            #expect(response.status == 200)
            #expect(response.workerPID == php.processIdentifier)
            connections.formUnion(Self.sockets(of: php.processIdentifier).subtracting(before))
        }
        // php-cgi keeps the accepted connection open only when the request
        // asked it to (§5.1); the same socket across all five requests means
        // Hearth reused it.
        #expect(connections.count == 1, "php-cgi sockets seen: \(connections)")
        try await site.stop()
    }

    @Test("a server that is not there: 502 and a log line, and the site keeps serving")
    func unreachable() async throws {
        let capture = LogCapture()
        let directory = try TemporaryDirectory()
        _ = try directory.write("page.php", WarmApps.phpPage)
        let site = try await CGITestSite.start(scripts: ["hello.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n"], site: { configuration in
            var mount = FastCGIMountConfiguration(urlPath: "/warm/php", backend: .remote(RemoteBackendConfiguration(address: .unix(directory.path + "/nobody.sock"))))
            mount.directory = directory.path
            configuration.fastCGIMounts = [mount]
        }, logger: WarmApps.logger(capture))
        #expect(try await site.get("/warm/php/page.php").status == 502)
        #expect(try await site.get("/cgi-bin/hello.sh").status == 200)
        try await site.stop()
        #expect(capture.records.contains { $0.message.contains("cannot connect") })
    }

    /// The sockets php-cgi has open, by inode.
    static func sockets(of pid: Int32) -> Set<String> {
        let targets = Processes.descriptorTargets(of: pid).compactMap { $0.components(separatedBy: " → ").last }
        return Set(targets.filter { $0.hasPrefix("socket:") })
    }
}
