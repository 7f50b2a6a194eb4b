import Foundation
import Glibc
import Hearth
import HearthTesting
import HearthWorkers
import Testing

/// `params:` (issue 23, part 5): extra variables in every FastCGI request,
/// after the RFC 3875 ones and never in their place. gitweb run warm reads
/// GITWEB_CONFIG from them. Real applications: a Perl CGI::Fast pool, a
/// `*.fcgi` script, and php-cgi as a server Hearth connects to.
@Suite("FastCGI params", .serialized)
struct ParamsLiveTests {
    /// Prints the variables a spoof would aim at, one per line.
    static let perlEcho = #"""
        #!/usr/bin/perl
        use CGI::Fast;
        while (my $q = CGI::Fast->new) {
            print "Content-Type: text/plain\r\n\r\n";
            print "$_=" . ($ENV{$_} // '-') . "\n" for qw(GITWEB_CONFIG APP_MODE REMOTE_ADDR HTTP_X_SPOOF SCRIPT_NAME);
        }
        """#

    /// Names the config file refuses, set here in Swift to reach the
    /// second guard: the request's own values win.
    static let spoofs: [(name: String, value: String)] = [
        ("REMOTE_ADDR", "6.6.6.6"), ("HTTP_X_SPOOF", "from-config"), ("script_name", "/evil"),
    ]

    static let expected = "GITWEB_CONFIG=/etc/gitweb.conf\nAPP_MODE=1\nREMOTE_ADDR=127.0.0.1\nHTTP_X_SPOOF=from-client\n"

    @Test("a pool's params arrive with every request; a param named like a request variable never replaces it")
    func poolParams() async throws {
        let app = try TemporaryDirectory()
        let program = try app.write("echo.fcgi", Self.perlEcho, mode: 0o755)
        let site = try await CGITestSite.start(scripts: [:], site: { configuration in
            var mount = FastCGIMountConfiguration(urlPath: "/git", backend: .pool(testPool { $0.command = [program] }))
            mount.params = [("GITWEB_CONFIG", "/etc/gitweb.conf"), ("APP_MODE", "1")] + Self.spoofs
            configuration.fastCGIMounts = [mount]
        })
        for _ in 0..<2 {
            let response = try await site.get("/git/project", headers: ["X-Spoof: from-client"])
            #expect(response.status == 200)
            #expect(response.text == Self.expected + "SCRIPT_NAME=/git\n", "\(response.text)")
        }
        try await site.stop()
    }

    @Test("fcgi_scripts params reach the *.fcgi scripts of a CGI directory")
    func scriptPoolParams() async throws {
        let site = try await CGITestSite.start(scripts: ["echo.fcgi": Self.perlEcho], site: { configuration in
            var pool = testPool()
            pool.params = [("GITWEB_CONFIG", "/etc/gitweb.conf"), ("APP_MODE", "1")] + Self.spoofs
            configuration.scriptPools = pool
        })
        let response = try await site.get("/cgi-bin/echo.fcgi", headers: ["X-Spoof: from-client"])
        #expect(response.status == 200)
        #expect(response.text == Self.expected + "SCRIPT_NAME=/cgi-bin/echo.fcgi\n", "\(response.text)")
        try await site.stop()
    }

    @Test("a connect: server (php-cgi -b) gets the params too, and the real REMOTE_ADDR")
    func remoteParams() async throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("env.php", #"""
            <?php
            header('Content-Type: text/plain');
            foreach (['GITWEB_CONFIG', 'APP_MODE', 'REMOTE_ADDR', 'HTTP_X_SPOOF'] as $name) { echo $name, '=', $_SERVER[$name] ?? '-', "\n"; }
            """#)
        let socket = directory.path + "/php.sock"
        let php = try await WarmApps.startPHPServer(socket: socket)
        defer { kill(php.processIdentifier, SIGKILL); php.waitUntilExit() }
        let site = try await CGITestSite.start(scripts: [:], site: { configuration in
            var mount = FastCGIMountConfiguration(urlPath: "/php", backend: .remote(RemoteBackendConfiguration(address: .unix(socket))))
            mount.directory = directory.path
            mount.params = [("GITWEB_CONFIG", "/etc/gitweb.conf"), ("APP_MODE", "1")] + Self.spoofs
            configuration.fastCGIMounts = [mount]
        })
        let response = try await site.get("/php/env.php", headers: ["X-Spoof: from-client"])
        #expect(response.status == 200)
        #expect(response.text == Self.expected, "\(response.text)")
        try await site.stop()
    }
}
