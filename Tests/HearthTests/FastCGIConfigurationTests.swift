import HearthWorkers
import Testing

@testable import Hearth

/// The `fastcgi:` list and `fcgi_scripts:` (docs/configuration.md).
@Suite struct FastCGIConfigurationTests {
    func parse(_ yaml: String) throws -> HearthConfiguration {
        try ConfigurationFile.parse(yaml: yaml, file: "test.yaml", baseDirectory: "/etc/hearth")
    }

    @Test func everyPoolKeyReachesItsField() throws {
        let configuration = try parse("""
            fastcgi:
              - url: /php/
                command: [/usr/bin/php-cgi, -c, php.ini]
                directory: site
                extensions: [php, phtml]
                max_body: 2M
                spool_threshold: 64K
                chunked_bodies: refuse
                max_script_header: 8K
                pass_authorization: true
                working_directory: /srv
                environment: {PHP_FCGI_MAX_REQUESTS: "0"}
                min_processes: 0
                max_processes: 3
                max_queue: 7
                queue_timeout: 0s
                idle_timeout: 90s
                max_requests: 500
                max_memory: 256M
                busy_timeout: 5s
                kill_grace: 100ms
                crash_limit: 2
                crash_window: 10s
                reload_on_change: false
            """)
        let mount = try #require(configuration.fastCGIMounts.first)
        #expect(mount.urlPath == "/php")
        #expect(mount.directory == "/etc/hearth/site")
        #expect(mount.extensions == ["php", "phtml"])
        #expect(mount.maxBodyBytes == 2 << 20)
        #expect(mount.spoolThreshold == 64 << 10)
        #expect(mount.chunkedBodies == .refuse)
        #expect(mount.maxScriptHeaderBytes == 8 << 10)
        #expect(mount.passAuthorization)
        guard case .pool(let pool) = mount.backend else { Issue.record("expected a pool"); return }
        #expect(pool.command == ["/usr/bin/php-cgi", "-c", "php.ini"])
        #expect(pool.workingDirectory == "/srv")
        // PATH is added when the mapping lacks it, as for CGI scripts.
        #expect(pool.environment.map { "\($0.name)=\($0.value)" } == ["PHP_FCGI_MAX_REQUESTS=0", "PATH=/usr/local/bin:/usr/bin:/bin"])
        #expect(pool.minProcesses == 0)
        #expect(pool.maxProcesses == 3)
        #expect(pool.maxQueue == 7)
        #expect(pool.queueTimeout == .zero)
        #expect(pool.idleTimeout == .seconds(90))
        #expect(pool.maxRequests == 500)
        #expect(pool.maxResidentBytes == 256 << 20)
        #expect(pool.busyTimeout == .seconds(5))
        #expect(pool.killGrace == .milliseconds(100))
        #expect(pool.crashLimit == 2)
        #expect(pool.crashWindow == .seconds(10))
        #expect(!pool.reloadOnChange)
    }

    @Test func aRemoteServerTakesItsAddressAndLimits() throws {
        let configuration = try parse("""
            fastcgi:
              - url: /fpm
                connect: "[::1]:9000"
                max_connections: 4
                queue_timeout: 1s
                busy_timeout: 20s
            """)
        guard case .remote(let remote) = configuration.fastCGIMounts.first?.backend else { Issue.record("expected a remote server"); return }
        #expect(remote.address == .tcp(host: "::1", port: 9000))
        #expect(remote.maxConnections == 4)
        #expect(remote.queueTimeout == .seconds(1))
        #expect(remote.busyTimeout == .seconds(20))
    }

    @Test func fcgiScriptsSetsTheScriptPools() throws {
        let configuration = try parse("fcgi_scripts:\n  min_processes: 3\n  max_requests: off\n")
        #expect(configuration.scriptPools?.minProcesses == 3)
        #expect(configuration.scriptPools?.maxRequests == nil)
        #expect(try parse("").scriptPools == nil)
    }

    @Test(arguments: [
        ("fastcgi:\n  - url: /a", "fastcgi[0]", "needs either command"),
        ("fastcgi:\n  - command: /bin/app\n    connect: 127.0.0.1:9000", "fastcgi[0]", "has both command and connect"),
        ("fastcgi:\n  - command: php-cgi", "fastcgi[0].command", "must be an absolute path"),
        ("fastcgi:\n  - connect: localhost", "fastcgi[0].connect", "expected unix:/absolute/path or host:port"),
        ("fastcgi:\n  - connect: unix:relative.sock", "fastcgi[0].connect", "expected unix:/absolute/path"),
        ("fastcgi:\n  - command: /bin/app\n    extensions: [.php]", "fastcgi[0].extensions[0]", "without the dot"),
        ("fastcgi:\n  - command: /bin/app\n    max_processes: 0", "fastcgi[0].max_processes", "must be at least 1"),
        ("fastcgi:\n  - command: /bin/app\n    forks: 2", "fastcgi[0].forks", "unknown key \"forks\""),
        ("fcgi_scripts:\n  command: /bin/x", "fcgi_scripts.command", "unknown key \"command\""),
        ("fastcgi:\n  - url: /cgi-bin\n    command: /bin/app", "fastcgi[0].url", "/cgi-bin is already the URL of the default cgi mount"),
    ])
    func mistakes(yaml: String, key: String, says: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try parse(yaml) }
        #expect(error.key == key)
        #expect(error.message.contains(says), "\(error.message)")
    }

    /// `params:` on a pool, on a remote server and on `fcgi_scripts`, in
    /// the order written; `script_headers` beside them.
    @Test func paramsAndScriptHeadersReachTheirFields() throws {
        let configuration = try parse("""
            fastcgi:
              - url: /git
                command: /usr/lib/cgi-bin/gitweb.cgi
                params: {GITWEB_CONFIG: /etc/gitweb.conf, APP_MODE: "1"}
                script_headers: lenient
              - url: /fpm
                connect: 127.0.0.1:9000
                params: {APP_ENV: production}
            fcgi_scripts:
              params: {GITWEB_CONFIG: /srv/gitweb.conf}
              script_headers: lenient
            """)
        let pool = configuration.fastCGIMounts[0], remote = configuration.fastCGIMounts[1]
        #expect(pool.params.map { "\($0.name)=\($0.value)" } == ["GITWEB_CONFIG=/etc/gitweb.conf", "APP_MODE=1"])
        #expect(pool.scriptHeaders == .lenient)
        #expect(remote.params.map { "\($0.name)=\($0.value)" } == ["APP_ENV=production"])
        #expect(remote.scriptHeaders == .strict)
        #expect(configuration.scriptPools?.params.map(\.name) == ["GITWEB_CONFIG"])
        #expect(configuration.scriptPools?.scriptHeaders == .lenient)
        #expect(try parse("fcgi_scripts:\n  min_processes: 1\n").scriptPools?.scriptHeaders == nil)
        #expect(try parse("cgi:\n  - url: /cgi-bin\n    script_headers: lenient\n").cgiMounts[0].scriptHeaders == .lenient)
        #expect(try parse("").cgiMounts[0].scriptHeaders == .strict)
    }

    /// A param may not pose as a request variable: refused at load, with
    /// the key, line and column, whatever its case.
    @Test(arguments: [
        ("REMOTE_ADDR", 6), ("remote_addr", 6), ("HTTP_X_FORWARDED_FOR", 6), ("http_host", 6), ("SCRIPT_NAME", 6), ("SCRIPT_FILENAME", 6),
        ("CONTENT_LENGTH", 6), ("PATH_INFO", 6), ("QUERY_STRING", 6), ("REMOTE_USER", 6), ("HTTPS", 6), ("DOCUMENT_ROOT", 6),
    ])
    func aParamNamedLikeARequestVariableIsRefused(name: String, line: Int) throws {
        for section in ["fastcgi:\n  - url: /a\n    command: /bin/app\n    params:\n      ok: 1\n      \(name): x", "fastcgi:\n  - url: /a\n    connect: 127.0.0.1:9000\n    params:\n      ok: 1\n      \(name): x"] {
            let error = try #require(throws: ConfigurationError.self) { try parse(section) }
            #expect(error.key == "fastcgi[0].params.\(name)")
            #expect(error.message.contains("is a request variable"), "\(error.message)")
            #expect(error.position?.line == line && error.position?.column == 7, "\(error)")
        }
        let scripts = try #require(throws: ConfigurationError.self) { try parse("fcgi_scripts:\n  params:\n    \(name): x") }
        #expect(scripts.key == "fcgi_scripts.params.\(name)")
    }

    @Test(arguments: [
        ("fastcgi:\n  - command: /bin/app\n    params: {\"A=B\": x}", "fastcgi[0].params.A=B", "not a valid environment variable name"),
        ("fastcgi:\n  - command: /bin/app\n    params: [A]", "fastcgi[0].params", "expected a mapping"),
        ("fastcgi:\n  - command: /bin/app\n    script_headers: loose", "fastcgi[0].script_headers", "expected one of strict, lenient"),
        ("cgi:\n  - url: /cgi-bin\n    script_headers: apache", "cgi[0].script_headers", "expected one of strict, lenient"),
        ("cgi:\n  - url: /cgi-bin\n    params: {A: b}", "cgi[0].params", "unknown key \"params\""),
    ])
    func paramsAndScriptHeadersMistakes(yaml: String, key: String, says: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try parse(yaml) }
        #expect(error.key == key)
        #expect(error.message.contains(says), "\(error.message)")
    }

    @Test(arguments: [
        ("unix:/run/app.sock", FastCGIAddress.unix("/run/app.sock")),
        ("127.0.0.1:9000", .tcp(host: "127.0.0.1", port: 9000)),
        ("[::1]:9000", .tcp(host: "::1", port: 9000)),
        ("backend.internal:9001", .tcp(host: "backend.internal", port: 9001)),
    ])
    func addresses(text: String, address: FastCGIAddress) {
        #expect(FastCGIAddress(parsing: text) == address)
        #expect(FastCGIAddress(parsing: address.description) == address)
    }

    @Test(arguments: ["", "unix:", "host", ":9000", "host:0", "host:70000", "host:port"])
    func badAddresses(text: String) {
        #expect(FastCGIAddress(parsing: text) == nil)
    }
}
