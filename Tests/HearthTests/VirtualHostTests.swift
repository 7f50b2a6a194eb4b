import Foundation
import Hearth
import HearthTesting
import Testing

/// Issue 25, item 4: the real `hearth` binary serving two virtual hosts
/// from one process, each with its own scripts, files and certificate;
/// real clients (raw HTTP/1.x, `openssl s_client`) on a plain and a TLS
/// listener.
@Suite("Virtual hosts", .serialized)
struct VirtualHostTests {
    struct Site {
        let directory: TemporaryDirectory
        let certificates: TestCertificates
        var path: String { directory.path }
    }

    /// Hosts `a` (`a.example`, `*.a.example`) and `b` (`b.example`), each
    /// with a script printing its environment and a file saying its name;
    /// `b` is the default unless `defaultHost` is false. The TLS listener's
    /// own certificate (serial 1001) is for `localhost`; a's is 2002, b's
    /// 3003.
    static func site(defaultHost: Bool = true, admin: Bool = false) throws -> Site {
        let directory = try TemporaryDirectory()
        let certificates = try TestCertificates(in: directory.path + "/certs")
        try certificates.leaf("site", host: "localhost", serial: "1001")
        try certificates.leaf("a", host: "a.example", serial: "2002")
        try certificates.leaf("b", host: "b.example", serial: "3003")
        for host in ["a", "b", "c"] {
            try directory.write("\(host)/public/who.txt", Array("\(host)\n".utf8))
            try directory.write("\(host)/cgi-bin/env", Array("#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nenv\n".utf8), mode: 0o755)
        }
        try directory.write("hearth.yaml", Self.configuration(a: "a", b: "b", defaultHost: defaultHost, admin: admin))
        return Site(directory: directory, certificates: certificates)
    }

    static func configuration(a: String, b: String, defaultHost: Bool = true, admin: Bool = false) -> String {
        """
        access_log: off
        \(admin ? "admin: {port: 0}\n" : "")listen:
          - {host: 127.0.0.1, port: 0}
          - {host: 127.0.0.1, port: 0, tls: {certificate: certs/site.pem, key: certs/site.key}}
        hosts:
          - names: [a.example, "*.a.example"]
            tls: {certificate: certs/a.pem, key: certs/a.key}
            cgi: [{url: /cgi-bin, directory: \(a)/cgi-bin}]
            static: [{url: /, root: \(a)/public}]
          - names: [b.example]
            default: \(defaultHost)
            tls: {certificate: certs/b.pem, key: certs/b.key}
            cgi: [{url: /cgi-bin, directory: \(b)/cgi-bin}]
            static: [{url: /, root: \(b)/public}]

        """
    }

    /// Starts hearth on `site`, runs `body` with it and its TLS port, then
    /// stops it and expects a clean exit.
    static func serving(_ site: Site, _ body: (HearthProcess, Int) async throws -> Void) async throws {
        let hearth = try await HearthProcess.launch(HearthProcess.executable, arguments: ["serve", "--config", "hearth.yaml"], workingDirectory: site.path)
        defer { _ = Processes.killSurvivors([hearth.pid]) }
        let pattern = #"listening on https://127\.0\.0\.1:\d+/"#
        _ = await Processes.eventually(seconds: 20) { hearth.errors.range(of: pattern, options: .regularExpression) != nil }
        let found = hearth.errors.range(of: pattern, options: .regularExpression).map { hearth.errors[$0] } ?? ""
        let tlsPort = try #require(Int(found.dropFirst("listening on https://127.0.0.1:".count).dropLast()), "\(hearth.errors)")
        let status = try await hearth.stopping { try await body(hearth, tlsPort) }
        #expect(status == 0, "exit \(status): \(hearth.errors)")
    }

    static func get(_ path: String, host: String?, port: Int, version: String = "1.1") async throws -> RawResponse {
        try await rawRequest("GET \(path) HTTP/\(version)\r\n\(host.map { "Host: \($0)\r\n" } ?? "")Connection: close\r\n\r\n", port: port)
    }

    @Test("each host serves its own files and scripts by Host: exact, any case, port and trailing dot ignored, wildcard one or more labels deep")
    func requestsGoByHost() async throws {
        let site = try Self.site()
        try await Self.serving(site) { (hearth, _) async throws in
            for (field, who) in [("a.example", "a"), ("B.Example.:8080", "b"), ("www.a.example", "a"), ("x.y.a.example", "a"), ("a.example.", "a")] {
                let response = try await Self.get("/who.txt", host: field, port: hearth.port)
                #expect(response.status == 200 && response.text == who + "\n", "Host \(field): \(response.statusLine) \(response.text)")
            }
            let a = try await Self.get("/cgi-bin/env", host: "a.example", port: hearth.port).text
            let b = try await Self.get("/cgi-bin/env", host: "b.example", port: hearth.port).text
            #expect(a.contains("SCRIPT_FILENAME=\(site.path)/a/cgi-bin/env") && b.contains("SCRIPT_FILENAME=\(site.path)/b/cgi-bin/env"), "\(a)\n\(b)")
            #expect(a.contains("DOCUMENT_ROOT=\(site.path)/a/public") && b.contains("DOCUMENT_ROOT=\(site.path)/b/public"))
        }
    }

    @Test("a name no host lists, and an HTTP/1.0 request without Host, go to the default host; SERVER_NAME is its first name")
    func unknownNamesGoToTheDefault() async throws {
        let site = try Self.site()
        try await Self.serving(site) { (hearth, _) async throws in
            #expect(try await Self.get("/who.txt", host: "unknown.example", port: hearth.port).text == "b\n")
            #expect(try await Self.get("/who.txt", host: "127.0.0.1", port: hearth.port).text == "b\n")
            let old = try await Self.get("/cgi-bin/env", host: nil, port: hearth.port, version: "1.0")
            #expect(old.status == 200 && old.text.contains("SERVER_NAME=b.example\n"), "\(old.text)")
            let unknown = try await Self.get("/cgi-bin/env", host: "unknown.example:81", port: hearth.port).text
            #expect(unknown.contains("SERVER_NAME=b.example\n") && unknown.contains("HTTP_HOST=unknown.example:81\n"), "\(unknown)")
        }
    }

    @Test("without default: true, a name no host lists goes to the first host")
    func unknownNamesGoToTheFirstHost() async throws {
        let site = try Self.site(defaultHost: false)
        try await Self.serving(site) { (hearth, _) async throws in
            #expect(try await Self.get("/who.txt", host: "unknown.example", port: hearth.port).text == "a\n")
            #expect(try await Self.get("/who.txt", host: nil, port: hearth.port, version: "1.0").text == "a\n")
            #expect(try await Self.get("/who.txt", host: "b.example", port: hearth.port).text == "b\n")
        }
    }

    @Test("SERVER_NAME is the name the request matched, lowercased, without port or trailing dot")
    func serverNameIsTheMatchedName() async throws {
        let site = try Self.site()
        try await Self.serving(site) { (hearth, _) async throws in
            for (field, name) in [("A.Example:8080", "a.example"), ("WWW.a.example.", "www.a.example"), ("b.example", "b.example")] {
                let env = try await Self.get("/cgi-bin/env", host: field, port: hearth.port).text
                #expect(env.contains("SERVER_NAME=\(name)\n"), "Host \(field): \(env)")
            }
        }
    }

    @Test("over TLS, SNI picks each host's certificate (the listener's own for other names), and the script sees SERVER_NAME and SSL_TLS_SNI")
    func eachHostHasItsCertificate() async throws {
        let site = try Self.site()
        try await Self.serving(site) { (_, tlsPort) async throws in
            #expect(try TLSClient.serial(port: tlsPort, serverName: "a.example") == "2002")
            #expect(try TLSClient.serial(port: tlsPort, serverName: "www.a.example") == "2002")
            #expect(try TLSClient.serial(port: tlsPort, serverName: "b.example") == "3003")
            #expect(try TLSClient.serial(port: tlsPort, serverName: "localhost") == "1001")
            let b = try TLSClient.get("/cgi-bin/env", host: "b.example", port: tlsPort, caFile: site.path + "/certs/ca.pem")
            #expect(b.status == 0 && b.output.contains("SERVER_NAME=b.example\n") && b.output.contains("SSL_TLS_SNI=b.example\n"), "\(b.output)")
        }
    }

    @Test("SNI a.example with Host b.example is 421 with a log line naming both; the next request on the connection is served")
    func misdirectedRequestIs421() async throws {
        let site = try Self.site()
        try await Self.serving(site) { (hearth, tlsPort) async throws in
            let requests = "GET /who.txt HTTP/1.1\\r\\nHost: b.example\\r\\n\\r\\nGET /who.txt HTTP/1.1\\r\\nHost: www.a.example\\r\\nConnection: close\\r\\n\\r\\n"
            let exchange = try ProgramOutput.run("/bin/sh", ["-c",
                "printf '\(requests)' | timeout 20 openssl s_client -connect 127.0.0.1:\(tlsPort) -servername a.example -quiet -ign_eof 2>/dev/null"])
            let statuses = exchange.output.components(separatedBy: .newlines).filter { $0.hasPrefix("HTTP/1.1 ") }
            #expect(statuses == ["HTTP/1.1 421 Misdirected Request", "HTTP/1.1 200 OK"], "\(exchange.output)")
            #expect(exchange.output.hasSuffix("\r\n\r\na\n"), "\(exchange.output)")
            #expect(await Processes.eventually { hearth.errors.contains("misdirected request: TLS SNI a.example is host a.example, Host b.example is host b.example") },
                    "\(hearth.errors)")
            // No SNI: no check; the Host decides.
            let noSNI = try ProgramOutput.run("/bin/sh", ["-c",
                "printf 'GET /who.txt HTTP/1.1\\r\\nHost: b.example\\r\\nConnection: close\\r\\n\\r\\n' | timeout 20 openssl s_client -connect 127.0.0.1:\(tlsPort) -noservername -quiet -ign_eof 2>/dev/null"])
            #expect(noSNI.output.hasPrefix("HTTP/1.1 200 OK") && noSNI.output.hasSuffix("\r\n\r\nb\n"), "\(noSNI.output)")
        }
    }

    @Test("with hosts, each mount's metrics label is the host's first name and its prefix")
    func metricsLabelsNameTheHost() async throws {
        let site = try Self.site(admin: true)
        try await Self.serving(site) { (hearth, _) async throws in
            let adminPort = try #require(await hearth.adminPort(), "\(hearth.errors)")
            #expect(try await Self.get("/cgi-bin/env", host: "www.a.example", port: hearth.port).status == 200)
            #expect(try await Self.get("/who.txt", host: "b.example", port: hearth.port).status == 200)
            var scrape = PrometheusScrape("")
            let counted = await Processes.eventually(asking: {
                scrape = PrometheusScrape((try? await Self.get("/metrics", host: "x", port: adminPort).text) ?? "")
                let series = ["http_request_method": "GET", "http_response_status_code": "2xx"]
                return scrape.value("http_server_request_duration_seconds_count", series.merging(["mount": "a.example/cgi-bin"]) { $1 }) == 1
                    && scrape.value("http_server_request_duration_seconds_count", series.merging(["mount": "b.example/"]) { $1 }) == 1
            })
            #expect(counted, "\(scrape.series("http_server_request_duration_seconds_count"))")
        }
    }

    @Test("a SIGHUP that swaps the host table under load answers every request, and the new table serves after it")
    func reloadUnderLoad() async throws {
        let site = try Self.site()
        try await Self.serving(site) { (hearth, _) async throws in
            let port = hearth.port
            let load = Task { () -> (served: Int, failures: [String]) in
                var (served, failures) = (0, [String]())
                let end = ContinuousClock.now + .seconds(8)
                while ContinuousClock.now < end, served < 2_000 {
                    do {
                        let response = try await Self.get("/who.txt", host: "a.example", port: port)
                        if response.status == 200, ["a\n", "c\n"].contains(response.text) { served += 1 } else { failures.append(response.statusLine) }
                    } catch {
                        failures.append("\(error)")
                    }
                }
                return (served, failures)
            }
            // Host a.example now serves c's files.
            try site.directory.write("hearth.yaml", Self.configuration(a: "c", b: "b"))
            kill(hearth.pid, SIGHUP)
            #expect(await Processes.eventually(seconds: 30) { hearth.errors.contains("reload: configuration 2 serves from now on") }, "\(hearth.errors)")
            let (served, failures) = await load.value
            #expect(failures.isEmpty && served > 0, "\(served) served, failures: \(failures.prefix(5))")
            #expect(try await Self.get("/who.txt", host: "a.example", port: port).text == "c\n")
            #expect(try await Self.get("/who.txt", host: "b.example", port: port).text == "b\n")
        }
    }

    @Test("SERVER_NAME is one value cold, warm and hot: a script's environment, a FastCGI worker's params, a hot handler's variables")
    func serverNameAtEveryTemperature() async throws {
        let env = "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nenv\n"
        let fcgi = """
            #!/usr/bin/perl
            use CGI::Fast;
            while (my $q = CGI::Fast->new) { print "Content-Type: text/plain\\r\\n\\r\\n"; print "$_=$ENV{$_}\\n" for sort keys %ENV; }

            """
        let site = try await CGITestSite.start(scripts: ["env": env, "env.fcgi": fcgi], site: { configuration in
            configuration.hosts = [
                VirtualHostConfiguration(names: [HostNamePattern("b.example")!]),
                VirtualHostConfiguration(names: ["a.example", "*.a.example"].compactMap(HostNamePattern.init), isDefault: true, mounts: configuration.mounts),
            ]
        }, builder: { builder in
            builder.mount("/hot", handler: HandlerFunction { request in .text("SERVER_NAME=\(request.variables["SERVER_NAME"] ?? "-")\n") })
        })
        for (field, name) in [("WWW.A.example:8080", "www.a.example"), ("unknown.example", "a.example"), ("b.example", "b.example")] {
            for path in ["/cgi-bin/env", "/cgi-bin/env.fcgi", "/hot"] {
                let response = try await site.request("GET \(path) HTTP/1.1\r\nHost: \(field)\r\nConnection: close\r\n\r\n")
                // b.example has no mounts of its own; the Swift mount is every host's.
                if name == "b.example" && path != "/hot" {
                    #expect(response.status == 404, "\(path) on \(field): \(response.statusLine)")
                } else {
                    #expect(response.status == 200 && response.text.contains("SERVER_NAME=\(name)\n"), "\(path) on \(field): \(response.text)")
                }
            }
        }
        try await site.stop()
    }

    @Test("a Swift mount made inside onHost is served by that host alone (under any of its names); one made outside by every host; a name no host lists is an error naming the mount")
    func swiftMountsOnOneHost() async throws {
        let hosts = { (configuration: inout HearthConfiguration) in
            configuration.hosts = [
                VirtualHostConfiguration(names: [HostNamePattern("a.example")!], isDefault: true),
                VirtualHostConfiguration(names: ["b.example", "*.b.example"].compactMap(HostNamePattern.init)),
            ]
        }
        let site = try await CGITestSite.start(scripts: [:], site: hosts, builder: { builder in
            builder.onHost("B.example.") { $0.mount("/only-b", handler: HandlerFunction { _ in .text("b's own\n") }) }
            builder.mount("/every", handler: HandlerFunction { request in .text("\(request.variables["SERVER_NAME"] ?? "-")\n") })
        })
        for (host, path, status) in [("b.example", "/only-b", 200), ("x.b.example", "/only-b", 200), ("a.example", "/only-b", 404), ("b.example", "/every", 200), ("a.example", "/every", 200)] {
            let response = try await site.request("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
            #expect(response.status == status, "\(path) on \(host): \(response.statusLine)")
        }
        try await site.stop()

        var configuration = HearthConfiguration()
        hosts(&configuration)
        var builder = SiteBuilder(configuration: configuration)
        builder.onHost("c.example") { $0.mount("/c", handler: HandlerFunction { _ in .text("c\n") }) }
        #expect { try builder.build(logger: TestLog.logger("hosts")) } throws: { error in
            "\(error)".contains("mount /c") && "\(error)".contains("onHost(\"c.example\")")
        }
    }

    @Test("hearth check validates hosts: a bad name is reported with its key path and position, and nothing starts")
    func checkValidatesHosts() throws {
        let site = try Self.site()
        try site.directory.write("bad.yaml", "hosts:\n  - names: [a.example]\n    cgi: [{url: /x, directory: missing}]\n")
        let check = try ProgramOutput.run("/usr/bin/timeout", ["30", HearthProcess.executable, "check", "--config", "bad.yaml"], in: site.path)
        #expect(check.status != 0 && check.output.contains("bad.yaml:3:32: hosts[0].cgi[0].directory:"), "\(check.output)")
        // Named as root would need it (`server.user`), the two hosts check clean.
        try site.directory.write("good.yaml", "server: {user: nobody}\n" + Self.configuration(a: "a", b: "b"))
        let good = try ProgramOutput.run("/usr/bin/timeout", ["30", HearthProcess.executable, "check", "--config", "good.yaml"], in: site.path)
        #expect(good.status == 0, "\(good.output)")
    }
}
