import Foundation
import HearthGateway
import HearthScripts
import HearthHTTP
import HearthStatic
import HearthTesting
import HearthWorkers
import Testing

@testable import Hearth

/// The config file: values, defaults, paths, and one exact error (key path
/// and line:column) per mistake.
@Suite struct ConfigurationFileTests {
    static let base = "/etc/hearth"

    func parse(_ yaml: String) throws -> HearthConfiguration {
        try ConfigurationFile.parse(yaml: yaml, file: "test.yaml", baseDirectory: Self.base)
    }

    // MARK: Values

    @Test func everyKeyReachesItsField() throws {
        let configuration = try parse("""
            server:
              host: "::1"
              port: 0
              backlog: 16
              max_header_bytes: 8K
              max_header_count: 50
              idle_timeout: 500ms
              body_read_timeout: 2m
              send_timeout: 45s
              shutdown_timeout: 5s
              max_requests_per_connection: 10
              server_software: Test/1.0
              http2: {max_concurrent_streams: 16, max_header_list_size: 16K, max_continuation_frames: 3, max_resets: 40, reset_window: 10s}
            log_level: debug
            access_log: logs/access.log
            max_concurrent_scripts: 8
            max_local_redirects: 0
            cgi:
              - url: /scripts/
                directory: scripts
                max_body: 1G
                spool_threshold: 4096
                chunked_bodies: refuse
                io_timeout: 1.5
                total_timeout: 1h
                kill_grace: 0s
                max_output: 10M
                max_script_header: 1k
                max_concurrent: 2
                queue_timeout: 250ms
                interpreters: {php: /usr/bin/php-cgi, pl: /usr/bin/perl}
                pass_authorization: true
                command_line_words: TRUE
                environment: {LANG: C.UTF-8, TZ: UTC}
              - url: /other
                directory: /srv/other
            static:
              - url: /
                root: ./www
                index_files: [index.htm, default.html]
                list_directories: true
                pages: true
              - url: /assets
            """)

        let server = configuration.server
        #expect(server.host == "::1")
        #expect(server.port == 0)
        #expect(server.backlog == 16)
        #expect(server.maxHeaderBytes == 8192)
        #expect(server.sendTimeout == .seconds(45))
        #expect(server.shutdownTimeout == .seconds(5))
        #expect(server.maxHeaderCount == 50)
        #expect(server.idleTimeout == .milliseconds(500))
        #expect(server.bodyReadTimeout == .seconds(120))
        #expect(server.maxRequestsPerConnection == 10)
        #expect(server.serverSoftware == "Test/1.0")
        #expect(server.http2.maxConcurrentStreams == 16 && server.http2.maxHeaderListSize == 16384 && server.http2.maxContinuationFrames == 3)
        #expect(server.http2.maxResets == 40 && server.http2.resetWindow == .seconds(10))
        #expect(configuration.logLevel == .debug)
        #expect(configuration.accessLog == "/etc/hearth/logs/access.log")
        #expect(configuration.maxConcurrentScripts == 8)
        #expect(configuration.maxLocalRedirects == 0)

        try #require(configuration.cgiMounts.count == 2)
        let cgi = configuration.cgiMounts[0]
        #expect(cgi.urlPath == "/scripts")
        #expect(cgi.directory == "/etc/hearth/scripts")
        #expect(cgi.maxBodyBytes == 1 << 30)
        #expect(cgi.spoolThreshold == 4096)
        #expect(cgi.chunkedBodies == .refuse)
        #expect(cgi.ioTimeout == .milliseconds(1500))
        #expect(cgi.totalTimeout == .seconds(3600))
        #expect(cgi.killGrace == .zero)
        #expect(cgi.maxOutputBytes == 10 << 20)
        #expect(cgi.maxScriptHeaderBytes == 1024)
        #expect(cgi.maxConcurrentPerScript == 2)
        #expect(cgi.queueTimeout == .milliseconds(250))
        #expect(cgi.interpreters == ["php": "/usr/bin/php-cgi", "pl": "/usr/bin/perl"])
        #expect(cgi.passAuthorization)
        #expect(cgi.commandLineWords)
        #expect(cgi.environment.map { "\($0.name)=\($0.value)" } == [
            "LANG=C.UTF-8", "TZ=UTC", "PATH=/usr/local/bin:/usr/bin:/bin",
        ])
        // Keys absent from an item keep that item's defaults.
        #expect(summary(of: configuration.cgiMounts[1]) == summary(of: {
            var mount = CGIMountConfiguration()
            mount.urlPath = "/other"
            mount.directory = "/srv/other"
            return mount
        }()))

        try #require(configuration.staticMounts.count == 2)
        let files = configuration.staticMounts[0]
        #expect(files.urlPath == "/")
        #expect(files.root == "/etc/hearth/www")
        #expect(files.indexFiles == ["index.htm", "default.html"])
        #expect(files.listDirectories)
        #expect(files.pages)
        #expect(!configuration.staticMounts[1].pages, "a listed mount renders no pages unless it says so")
        #expect(configuration.staticMounts[1].urlPath == "/assets")
        #expect(configuration.staticMounts[1].root == "public")
        #expect(configuration.staticMounts[1].indexFiles == ["index.html"])
    }

    @Test(arguments: ["", "# only a comment\n", "---\n", "~\n"])
    func anEmptyFileKeepsEveryDefault(yaml: String) throws {
        #expect(summary(of: try parse(yaml)) == summary(of: HearthConfiguration()))
    }

    @Test func theDefaultMountRendersPages() throws {
        #expect(HearthConfiguration().staticMounts.map(\.pages) == [true])
        #expect(try parse("log_level: info\n").staticMounts.map(\.pages) == [true])
        #expect(try parse("static:\n  - root: www\n").staticMounts.map(\.pages) == [false])
    }

    @Test func emptyListsRemoveTheDefaultMounts() throws {
        let configuration = try parse("cgi: []\nstatic: []\n")
        #expect(configuration.cgiMounts.isEmpty)
        #expect(configuration.staticMounts.isEmpty)
    }

    @Test func anEnvironmentThatSetsPathKeepsItsOwn() throws {
        let configuration = try parse("cgi:\n  - environment: {PATH: /opt/bin, HOME: /nonexistent}\n")
        #expect(configuration.cgiMounts[0].environment.map { "\($0.name)=\($0.value)" } == [
            "PATH=/opt/bin", "HOME=/nonexistent",
        ])
    }

    @Test(arguments: [("off", nil), ("\"-\"", "-"), ("/var/log/a.log", "/var/log/a.log"), ("'off'", nil)] as [(String, String?)])
    func accessLogDestinations(yaml: String, expected: String?) throws {
        #expect(try parse("access_log: \(yaml)\n").accessLog == expected)
    }

    @Test func accessLogFormatIsCombinedUnlessNamedOrWritten() throws {
        #expect(try parse("log_level: info\n").accessLogFormat == .combined)
        #expect(try parse("access_log_format: combined\n").accessLogFormat == .combined)
        #expect(try parse("access_log_format: common\n").accessLogFormat == .common)
        let written = try parse("access_log_format: '%h \"%r\" %>s %D %{cpu} %{maxrss}'\n").accessLogFormat
        #expect(written == (try AccessLogFormat(parsing: #"%h "%r" %>s %D %{cpu} %{maxrss}"#)))
    }

    // MARK: Paths

    @Test(arguments: [
        ("cgi-bin", "/etc/hearth/cgi-bin"),
        ("./cgi-bin", "/etc/hearth/cgi-bin"),
        (".//cgi-bin", "/etc/hearth/cgi-bin"),
        (".", "/etc/hearth"),
        ("../shared/cgi-bin", "/etc/hearth/../shared/cgi-bin"),
        ("/srv/cgi-bin", "/srv/cgi-bin"),
    ])
    func relativeDirectoriesAreResolvedAgainstTheFile(written: String, resolved: String) throws {
        let configuration = try parse("cgi:\n  - directory: \(written)\nstatic:\n  - root: \(written)\n")
        #expect(configuration.cgiMounts[0].directory == resolved)
        #expect(configuration.staticMounts[0].root == resolved)
    }

    @Test func loadResolvesAgainstTheFilesOwnDirectory() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("conf/hearth.yaml", "cgi:\n  - directory: scripts\nstatic:\n  - root: ../www\n")
        let configuration = try ConfigurationFile.load(path: file)
        #expect(configuration.cgiMounts[0].directory == dir.path + "/conf/scripts")
        #expect(configuration.staticMounts[0].root == dir.path + "/conf/../www")
    }

    @Test func loadNamesTheFileInErrorPositions() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("hearth.yaml", "server:\n  port: x\n")
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationFile.load(path: file) }
        #expect(error.key == "server.port")
        #expect(error.position?.file == file)
        #expect(error.position?.line == 2)
        #expect(error.description == "\(file):2:9: server.port: expected an integer, found \"x\"")
    }

    @Test func loadReportsAMissingFile() throws {
        let dir = try TemporaryDirectory()
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationFile.load(path: dir.path + "/absent.yaml")
        }
        #expect(error.key == "(document)")
        #expect(error.message == "\(dir.path)/absent.yaml: no such file")
        #expect(error.position == nil)
    }

    // MARK: Errors

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var yaml: String
        var key: String
        var line: Int
        var column: Int
        var says: String
        var testDescription: String { "\(key) @ \(line):\(column): \(says)" }

        init(_ yaml: String, _ key: String, _ line: Int, _ column: Int, _ says: String) {
            (self.yaml, self.key, self.line, self.column, self.says) = (yaml, key, line, column, says)
        }
    }

    static let errorCases: [ErrorCase] = [
        // Unknown keys name themselves and what is allowed there.
        .init("lisen: 80", "lisen", 1, 1, """
            unknown key "lisen"; allowed keys are server, listen, log_level, access_log, error_log, trusted_proxies, access_log_format, max_concurrent_scripts, \
            max_local_redirects, min_uid, min_gid, cgi, fastcgi, fcgi_scripts, static, sessions, admin
            """),
        .init("server:\n  listen: 80", "server.listen", 2, 3, "allowed keys are host, port, backlog,"),
        // listen: (issue 25): what a listener cannot be.
        .init("server: {port: 80}\nlisten:\n  - {port: 81}", "listen", 3, 3, "give listen: or server.host/server.port, not both"),
        .init("listen:\n  - {port: 81, proxy_protocol: true}", "listen[0].proxy_protocol", 2, 32, "proxy_protocol takes the PROXY header from trusted_proxies only"),
        .init("listen:\n  - {port: 81, redirect_to_https: true}", "listen[0]", 2, 5, "redirect_to_https needs a listener with tls"),
        .init("listen:\n  - {port: 81, hsts: {max_age: 60}}", "listen[0]", 2, 5, "hsts is sent over TLS only"),
        .init("listen:\n  - {port: 443, tls: {certificate: a.pem}}", "listen[0].tls", 2, 22, "each certificate needs both certificate and key"),
        .init("listen:\n  - {port: 443, tls: {certificate: a.pem, key: a.key, certificates: [{certificate: b.pem, key: b.key}]}}", "listen[0].tls", 2, 22, "not both"),
        .init("listen: []", "listen", 1, 9, "expected at least one listener"),
        .init("listen:\n  - {port: 443, h2c: true, tls: {certificate: a.pem, key: a.key}}", "listen[0]", 2, 5, "h2c is HTTP/2 without TLS"),
        .init("server:\n  http2: {max_concurrent_streams: 0}", "server.http2.max_concurrent_streams", 2, 35, "must be at least 1"),
        .init("cgi:\n  - url: /x\n    io_timout: 5s", "cgi[0].io_timout", 3, 5,
              "unknown key \"io_timout\"; allowed keys are url, directory,"),
        .init("static:\n  - url: /x\n  - index: [a]", "static[1].index", 3, 5,
              "allowed keys are url, root, index_files, list_directories"),
        // Wrong types.
        .init("server:\n  port: eighty", "server.port", 2, 9, "expected an integer, found \"eighty\""),
        .init("server:\n  port: \"8080\"", "server.port", 2, 9, "expected an integer, found \"8080\""),
        .init("server:\n  port:\n  host: 127.0.0.1", "server.port", 2, 8, "expected an integer, found no value"),
        .init("server: 8080", "server", 1, 9, "expected a mapping, found \"8080\""),
        .init("cgi:\n  url: /x", "cgi", 2, 3, "expected a list, found a mapping"),
        .init("cgi:\n  - directory: ~", "cgi[0].directory", 2, 16, "expected a path, found no value"),
        .init("cgi:\n  - pass_authorization: yes", "cgi[0].pass_authorization", 2, 25, "expected true or false, found \"yes\""),
        .init("cgi:\n  - io_timeout: soon", "cgi[0].io_timeout", 2, 17, "expected a duration such as 500ms"),
        .init("server:\n  max_header_bytes: 64Q", "server.max_header_bytes", 2, 21, "expected a size in bytes"),
        .init("cgi:\n  - max_body: 99999999999999999G", "cgi[0].max_body", 2, 15, "99999999999999999G is too large"),
        .init("log_level: verbose", "log_level", 1, 12,
              "expected one of trace, debug, info, notice, warning, error, critical, found \"verbose\""),
        .init("cgi:\n  - chunked_bodies: stream", "cgi[0].chunked_bodies", 2, 21, "expected one of dechunk, refuse"),
        .init("access_log: no", "access_log", 1, 13, "expected \"-\", a file path or off, found \"no\""),
        .init("access_log_format: combind", "access_log_format", 1, 20, "expected combined, common, json or a format string of % directives, found \"combind\""),
        .init("log_level: info\naccess_log_format: \"%h %Z\"", "access_log_format", 2, 20, "unknown directive %Z (at character 4 of the format)"),
        .init("access_log_format: '%h %{cpu}x'", "access_log_format", 1, 20, "unknown directive %{cpu}x (at character 4 of the format)"),
        .init("access_log_format: [\"%h\"]", "access_log_format", 1, 20, "expected combined, common, json or a format string of % directives, found a list"),
        .init("static:\n  - index_files: [a/index.html]", "static[0].index_files[0]", 2, 19, "must be a file name"),
        .init("static:\n  - index_files: [index.Mustache]", "static[0].index_files[0]", 2, 19, "index.Mustache is a page template"),
        .init("static:\n  - pages: yes", "static[0].pages", 2, 12, "expected true or false, found \"yes\""),
        // Out of range, or zero where zero means nothing.
        .init("server:\n  port: 70000", "server.port", 2, 9, "must be at most 65535"),
        .init("max_concurrent_scripts: -1", "max_concurrent_scripts", 1, 25, "must be at least 1"),
        .init("max_concurrent_scripts: 0", "max_concurrent_scripts", 1, 25, "must be at least 1"),
        .init("max_local_redirects: -1", "max_local_redirects", 1, 22, "must not be negative"),
        .init("server:\n  max_requests_per_connection: 0", "server.max_requests_per_connection", 2, 32, "must be at least 1"),
        .init("cgi:\n  - url: /a\n    io_timeout: 0s", "cgi[0].io_timeout", 3, 17, "must be more than zero"),
        .init("cgi:\n  - kill_grace: -1s", "cgi[0].kill_grace", 2, 17, "must not be negative"),
        .init("cgi:\n  - max_output: 0", "cgi[0].max_output", 2, 17, "must be at least 1"),
        // Values with rules of their own.
        .init("server:\n  host: localhost", "server.host", 2, 9, "expected an IPv4 or IPv6 address"),
        .init("server:\n  server_software: \"Hearth\\t1\"", "server.server_software", 2, 20, "printable ASCII"),
        .init("cgi:\n  - url: cgi-bin", "cgi[0].url", 2, 10, "must start with \"/\", found \"cgi-bin\""),
        .init("cgi:\n  - interpreters: {php: php-cgi}", "cgi[0].interpreters.php", 2, 25, "must be an absolute path"),
        .init("cgi:\n  - interpreters: {.php: /usr/bin/php-cgi}", "cgi[0].interpreters..php", 2, 20, "without the dot"),
        .init("cgi:\n  - environment: {\"A=B\": x}", "cgi[0].environment.A=B", 2, 19, "not a valid environment variable name"),
        // The admin listener.
        .init("admin:\n  host: localhost", "admin.host", 2, 9, "expected an IPv4 or IPv6 address"),
        .init("admin:\n  allow: [10.0.0.0/33]", "admin.allow[0]", 2, 11, "expected an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8"),
        .init("admin:\n  allow: [intranet]", "admin.allow[0]", 2, 11, "found \"intranet\""),
        .init("admin:\n  allow: []", "admin.allow", 2, 10, "needs at least one address range"),
        .init("admin:\n  auth: {realm: Ops}", "admin.auth", 2, 9, "needs htpasswd (an Apache password file) or users"),
        .init("admin:\n  metrics: on", "admin.metrics", 2, 3, "allowed keys are host, port, allow, auth"),
        // Two mounts at one URL, counting the defaults a list leaves in place.
        .init("cgi:\n  - url: /a\n  - url: /a/", "cgi[1].url", 3, 10, "/a is already the URL of cgi[0]"),
        .init("cgi:\n  - url: /\nstatic:\n  - root: www", "static[0]", 4, 5, "/ is already the URL of cgi[0]"),
        .init("static:\n  - url: /cgi-bin", "static[0].url", 2, 10, "/cgi-bin is already the URL of the default cgi mount"),
        // The document itself.
        .init("- a\n- b", "(document)", 1, 1, "the top level must be a mapping"),
        .init("server:\n  port: [8080", "(document)", 3, 1,
              "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at 2:9)"),
        .init("server:\n\tport: 1", "(document)", 2, 1, "YAML syntax error"),
        .init("server:\n  host: \u{7}", "(document)", 2, 9, "YAML syntax error: control characters are not allowed"),
        .init("server:\n  port: 1\n  port: 2", "(document)", 2, 3, "duplicate key \"port\""),
    ]

    @Test(arguments: errorCases)
    func eachMistakeNamesItsKeyAndPosition(_ mistake: ErrorCase) throws {
        let error = try #require(throws: ConfigurationError.self) { try parse(mistake.yaml) }
        #expect(error.key == mistake.key)
        #expect(error.position?.file == "test.yaml")
        #expect(error.position?.line == mistake.line)
        #expect(error.position?.column == mistake.column)
        #expect(error.message.contains(mistake.says), "\(error.message)")
    }

    // MARK: Value syntax

    @Test(arguments: [
        ("0", 0), ("65536", 65536), ("64K", 65536), ("64k", 65536), ("16M", 16 << 20), ("1G", 1 << 30),
        ("+5", 5), ("-1K", -1024),
    ])
    func sizes(text: String, bytes: Int) throws {
        #expect(try ConfigurationValue.size(text) == bytes)
    }

    @Test(arguments: ["", "K", "1.5K", "1KB", "0x10", "1_000", " 1", "1 K", "--1"])
    func malformedSizes(text: String) {
        #expect(throws: ConfigurationValue.Problem.malformed) { try ConfigurationValue.size(text) }
    }

    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("15s", .seconds(15)), ("2m", .seconds(120)), ("1h", .seconds(3600)),
        ("30", .seconds(30)), ("1.5s", .milliseconds(1500)), ("0.25", .milliseconds(250)), ("0.1h", .seconds(360)),
        ("0", .zero), ("-2s", .seconds(-2)),
    ])
    func durations(text: String, duration: Duration) throws {
        #expect(try ConfigurationValue.duration(text) == duration)
    }

    @Test(arguments: ["", "s", "1.s", ".5s", "5 s", "5sec", "1d", "1e3", "1..2", "1.2.3"])
    func malformedDurations(text: String) {
        #expect(throws: ConfigurationValue.Problem.malformed) { try ConfigurationValue.duration(text) }
    }

    @Test(arguments: ["99999999999999999999s", "9999999999h", "9223372036854775807.5"])
    func oversizedDurations(text: String) {
        #expect(throws: ConfigurationValue.Problem.tooLarge) { try ConfigurationValue.duration(text) }
    }

    @Test(arguments: ["9223372036854775808", "9007199254740992K", "8589934592G"])
    func oversizedSizes(text: String) {
        #expect(throws: ConfigurationValue.Problem.tooLarge) { try ConfigurationValue.size(text) }
    }

    // MARK: The documentation

    /// Every YAML block in docs/configuration.md parses, and the complete
    /// example really is the defaults with the changes its comments name.
    /// docs/http2.md's configuration: an h2c listener, a TLS one offering
    /// h2, and the limits.
    @Test func theHTTP2ExampleParses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/http2.md"), encoding: .utf8)
        let block = try #require(doc.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        let configuration = try parse(block)
        #expect(configuration.server.listeners.map(\.h2c) == [true, false] && configuration.server.listeners.map(\.http2) == [true, true])
        #expect(configuration.tlsListeners[1]?.applicationProtocols == ["h2", "http/1.1"])
        #expect(configuration.server.http2 == HTTP2Limits())
        let off = try parse("listen:\n  - {port: 443, http2: false, tls: {certificate: a.pem, key: a.key}}")
        #expect(off.tlsListeners[0]?.applicationProtocols == ["http/1.1"])
    }

    @Test func theDocumentedExamplesParse() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        var blocks = doc.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        try #require(blocks.count == 13)

        // "`listen` items": a plain listener that redirects, a TLS one with HSTS.
        let listen = try parse(blocks.removeFirst())
        #expect(listen.server.listeners.map(\.port) == [80, 443] && listen.server.listeners.map(\.tls) == [false, true])
        #expect(listen.server.listeners[0].redirectToHTTPS && listen.server.listeners[1].hsts?.maxAge == 31_536_000)
        #expect(listen.tlsListeners[1]?.certificates.map(\.key) == ["/etc/letsencrypt/live/example.org/privkey.pem"])

        // The limits of "`cgi` items", the access log format of "Access
        // log format", and `admin`, before the examples.
        let limits = try parse(blocks.removeFirst()).cgiMounts[0].limits
        #expect(limits.cpuSeconds == 10 && limits.memoryBytes == 256 << 20 && limits.processes == 50)
        #expect(limits.openFiles == 256 && limits.fileSizeBytes == 64 << 20 && limits.coreBytes == 0)
        let format = try parse(blocks.removeFirst()).accessLogFormat
        #expect(format == (try AccessLogFormat(parsing: #"%h %t "%r" %>s %b %D %{script} %{cpu} %{maxrss} %{wall}"#)))
        // The admin listener's example.
        let admin = try #require(try parse(blocks.removeFirst()).admin)
        #expect(admin.host == "127.0.0.1" && admin.port == 9180)
        #expect(admin.allow.map(\.description) == ["127.0.0.0/8", "::1", "10.20.0.0/16"])
        #expect(admin.auth?.realm == "Hearth admin")
        // "Behind a proxy": a PROXY protocol listener and its one proxy.
        let proxied = try parse(blocks.removeFirst())
        #expect(proxied.server.listeners.map(\.proxyProtocol) == [true] && proxied.server.trustedProxies.map(\.description) == ["10.0.0.2"])
        // … and a TLS listener behind a TLS-passthrough proxy.
        let passthrough = try parse(blocks.removeFirst())
        #expect(passthrough.server.listeners.map(\.proxyProtocol) == [true] && passthrough.server.listeners.map(\.tls) == [true])
        // "`hosts` items": two sites by name, the first the default with its certificate.
        let hosts = try parse(blocks.removeFirst()).hosts
        #expect(hosts.map { $0.names.map(\.text) } == [["example.org", "www.example.org"], ["wiki.example.net", "*.wiki.example.net"]])
        #expect(hosts.map(\.isDefault) == [true, false] && hosts[0].tls?.names == ["example.org", "www.example.org"])
        #expect(hosts[1].mounts.staticMounts[0].scripts["php"] == .fastCGI("php") && hosts[1].mounts.authentication["/"] != nil)

        var expected = HearthConfiguration()
        expected.cgiMounts[0].directory = Self.base + "/cgi-bin"
        expected.cgiMounts[0].interpreters = ["php": "/usr/bin/php-cgi"]
        expected.staticMounts[0].root = Self.base + "/public"
        #expect(summary(of: try parse(blocks[0])) == summary(of: expected))

        let second = try parse(blocks[1])
        #expect(second.server.host == "::")
        #expect(second.cgiMounts.map(\.directory) == ["/srv/site/cgi-bin", Self.base + "/legacy"])
        #expect(second.cgiMounts[1].environment.map(\.name) == ["PATH", "LANG"])
        #expect(second.staticMounts.isEmpty)

        let third = try parse(blocks[2])
        #expect(third.scriptPools?.minProcesses == 2)
        #expect(third.fastCGIMounts.map(\.urlPath) == ["/shop", "/blog"])
        guard case .pool(let pool) = third.fastCGIMounts[0].backend, case .remote(let remote) = third.fastCGIMounts[1].backend else {
            Issue.record("expected a pool, then a remote server")
            return
        }
        #expect(pool.command == ["/usr/bin/php-cgi", "-d", "display_errors=0"])
        #expect(remote.address == .unix("/run/php/php8.2-fpm.sock"))

        let fourth = try parse(blocks[3])
        #expect(fourth.authentication["/admin"]?.requireGroups == ["admins"])
        #expect(fourth.authentication["/admin"]?.groupsFile == "/etc/apache2/groups")
        #expect(fourth.authentication["/"]?.requireUsers == ["alice"])
        #expect(fourth.authentication["/"]?.realm == "Staff")

        let fifth = try parse(blocks[4])
        #expect(fifth.staticMounts.map(\.urlPath) == ["/downloads", "/"])
        #expect(fifth.staticMounts.map(\.pages) == [false, true])

        let sixth = try parse(blocks[5])
        #expect(sixth.sessions?.store == .sqlite(path: "/var/lib/hearth/sessions.sqlite"))
        #expect(sixth.sessions?.cookieName == "shop_session" && sixth.sessions?.lifetime == .seconds(8 * 3600))
        #expect(sixth.sessions?.idleTimeout == .seconds(20 * 60) && sixth.sessions?.lockTimeout == .seconds(5))
        #expect(sixth.fastCGIMounts.first?.urlPath == "/shop")
    }
}

/// Every field, as text, so that whole configurations can be compared.
private func summary(of configuration: HearthConfiguration) -> [String] {
    let server = configuration.server
    return [
        "server \(server.host) \(server.port) \(server.backlog) \(server.maxHeaderBytes) \(server.maxHeaderCount)",
        "server \(server.idleTimeout) \(server.bodyReadTimeout) \(server.maxRequestsPerConnection) \(server.serverSoftware)",
        "log \(configuration.logLevel) \(configuration.accessLog ?? "off")",
        "scripts \(configuration.maxConcurrentScripts) \(configuration.maxLocalRedirects)",
    ] + configuration.cgiMounts.map(summary(of:)) + configuration.staticMounts.map {
        "static \($0.urlPath) \($0.root) \($0.indexFiles) \($0.listDirectories) \($0.forbiddenRoots) \($0.pages)"
    }
}

private func summary(of mount: CGIMountConfiguration) -> String {
    let interpreters = mount.interpreters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    let environment = mount.environment.map { "\($0.name)=\($0.value)" }
    return """
        cgi \(mount.urlPath) \(mount.directory) \(mount.maxBodyBytes) \(mount.spoolThreshold) \(mount.chunkedBodies) \
        \(mount.ioTimeout) \(mount.totalTimeout) \(mount.killGrace) \(String(describing: mount.maxOutputBytes)) \
        \(mount.maxScriptHeaderBytes) \(mount.maxConcurrentPerScript) \(interpreters) \(mount.passAuthorization) \
        \(mount.commandLineWords) \(environment)
        """
}
