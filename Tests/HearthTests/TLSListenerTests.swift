import Foundation
import HearthTesting
import Testing

/// Issue 25, items 1 and 2: the real `hearth` binary with a plain and a
/// TLS listener side by side, certificates made by `openssl`, and real
/// clients (`openssl s_client`, `curl --cacert`) on both.
@Suite("TLS listeners", .serialized)
struct TLSListenerTests {
    struct Site {
        let directory: TemporaryDirectory
        let certificates: TestCertificates
        var path: String { directory.path }
        var ca: String { directory.path + "/certs/ca.pem" }
    }

    static func site(
        extraCertificates: String = "", tlsExtra: String = "check_interval: 200ms", plainExtra: String = "", top: String = "", tlsListenerExtra: String = "",
        accessLog: String = "off"
    ) throws -> Site {
        let directory = try TemporaryDirectory()
        let certificates = try TestCertificates(in: directory.path + "/certs")
        try certificates.leaf("site", host: "localhost", serial: "1001")
        try directory.write("public/big.txt", Array(Self.bigFile.utf8))
        try directory.write("cgi-bin/env.fcgi", Array("""
            #!/usr/bin/perl
            use CGI::Fast;
            while (my $q = CGI::Fast->new) { print "Content-Type: text/plain\\r\\n\\r\\n"; print "$_=$ENV{$_}\\n" for sort keys %ENV; }

            """.utf8), mode: 0o755)
        try directory.write("cgi-bin/env", Array("#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nenv\n".utf8), mode: 0o755)
        let tls = extraCertificates.isEmpty
            ? "{certificate: certs/site.pem, key: certs/site.key, \(tlsExtra)}"
            : "{certificates: [{certificate: certs/site.pem, key: certs/site.key}, \(extraCertificates)], \(tlsExtra)}"
        try directory.write("hearth.yaml", """
            \(top)access_log: \(accessLog)
            listen:
              - {host: 127.0.0.1, port: 0\(plainExtra)}
              - {host: 127.0.0.1, port: 0, tls: \(tls), hsts: {max_age: 600}\(tlsListenerExtra)}
            cgi:
              - url: /cgi-bin
                directory: cgi-bin
            static:
              - {url: /files, root: public}

            """)
        return Site(directory: directory, certificates: certificates)
    }

    /// A static file of several of FileRegionCopy's 64 KiB pieces, with
    /// a last line to tell a cut or reordered copy.
    static let bigFile = String(repeating: "0123456789abcdef\n", count: 12_000) + "end\n"

    static func start(_ site: Site) async throws -> (hearth: HearthProcess, tlsPort: Int) {
        let hearth = try await HearthProcess.launch(HearthProcess.executable, arguments: ["serve", "--config", "hearth.yaml"], workingDirectory: site.path)
        // The plain listener's line comes first; the TLS one's follows it.
        let pattern = #"listening on https://127\.0\.0\.1:\d+/"#
        _ = await Processes.eventually(seconds: 20) { hearth.errors.range(of: pattern, options: .regularExpression) != nil }
        let text = hearth.errors
        guard let range = text.range(of: pattern, options: .regularExpression),
              let port = Int(text[range].dropFirst("listening on https://127.0.0.1:".count).dropLast()) else {
            _ = try await hearth.terminate()
            throw RawClientError.malformed("no https listener in the log: \(text)")
        }
        return (hearth, port)
    }

    @Test("plain and TLS side by side: a script sees HTTPS=on and mod_ssl's variables over https, none over http; HSTS on https only")
    func sideBySide() async throws {
        let site = try Self.site()
        try await Self.serving(site) { hearth, tlsPort in
            let secure = try TLSClient.get("/cgi-bin/env", port: tlsPort, caFile: site.ca)
            #expect(secure.status == 0, "\(secure.output)")
            for line in ["HTTPS=on", "REQUEST_SCHEME=https", "SSL_PROTOCOL=TLSv1.3", "SSL_CIPHER=TLS_", "SSL_TLS_SNI=localhost", "strict-transport-security: max-age=600"] {
                #expect(secure.output.lowercased().contains(line.lowercased()), "\(line) missing: \(secure.output)")
            }
            let plain = try await rawRequest("GET /cgi-bin/env HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", port: hearth.port)
            #expect(plain.status == 200 && plain.text.contains("REQUEST_SCHEME=http\n"))
            #expect(!plain.text.contains("HTTPS=") && !plain.text.contains("SSL_") && !plain.statusLine.isEmpty)
            #expect(plain.header("strict-transport-security") == nil)
            // Warm: the same variables in a FastCGI worker's params.
            let warm = try TLSClient.get("/cgi-bin/env.fcgi", port: tlsPort, caFile: site.ca)
            for line in ["HTTPS=on", "REQUEST_SCHEME=https", "SSL_PROTOCOL=TLSv1.3", "SSL_CIPHER=TLS_", "SSL_TLS_SNI=localhost"] {
                #expect(warm.output.contains(line), "warm: \(line) missing: \(warm.output)")
            }
            // A file: copied through TLS in pieces, not sendfile'd past it.
            let file = try TLSClient.get("/files/big.txt", port: tlsPort, caFile: site.ca)
            #expect(file.status == 0 && file.output.hasSuffix("\r\n\r\n" + Self.bigFile), "\(file.output.suffix(300))")
            let tls12 = try TLSClient.get("/cgi-bin/env", port: tlsPort, caFile: site.ca, extra: ["--tls-max", "1.2"])
            #expect(tls12.output.contains("SSL_PROTOCOL=TLSv1.2") && tls12.output.contains("SSL_CIPHER=ECDHE-ECDSA-"), "\(tls12.output)")
        }
    }

    @Test("TLS 1.1 and a CBC-only client are refused; TLS 1.2 with a modern cipher is accepted")
    func protocolFloor() async throws {
        let site = try Self.site()
        try await Self.serving(site) { hearth, tlsPort in
            let old = try TLSClient.handshake(port: tlsPort, ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"])
            // Refused for its version (alert 70), not merely for want of a shared cipher.
            #expect(old.status != 0 && old.output.contains("alert protocol version"), "\(old.output)")
            let cbc = try TLSClient.handshake(port: tlsPort, ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"])
            #expect(cbc.status != 0, "\(cbc.output)")
            let modern = try TLSClient.handshake(port: tlsPort, ["-tls1_2"])
            #expect(modern.status == 0 && modern.output.contains("TLSv1.2"), "\(modern.output)")
        }
    }

    @Test("SNI picks the certificate listing the name; an unknown name gets the first")
    func sniChoosesCertificate() async throws {
        let site = try Self.site(extraCertificates: "{names: [\"*.b.example\", other.example], certificate: certs/other.pem, key: certs/other.key}")
        try site.certificates.leaf("other", host: "other.example", serial: "2002")
        try await Self.serving(site) { (_, tlsPort) async throws in
            #expect(try TLSClient.serial(port: tlsPort, serverName: "other.example") == "2002")
            #expect(try TLSClient.serial(port: tlsPort, serverName: "www.b.example") == "2002")
            #expect(try TLSClient.serial(port: tlsPort, serverName: "localhost") == "1001")
            #expect(try TLSClient.serial(port: tlsPort, serverName: "unknown.example") == "1001")
        }
    }

    @Test("SIGHUP and a change of the files swap the certificate for new connections; a bad new one keeps the old and says why")
    func certificateReload() async throws {
        let site = try Self.site()
        try await Self.serving(site) { hearth, tlsPort in
            #expect(try TLSClient.serial(port: tlsPort, serverName: "localhost") == "1001")
            // A key that does not match: refused, the old certificate stays.
            let mismatched = try site.certificates.leaf("stray", host: "localhost", serial: "3003")
            try FileManager.default.removeItem(atPath: site.path + "/certs/site.key")
            try FileManager.default.copyItem(atPath: mismatched.key, toPath: site.path + "/certs/site.key")
            #expect(await Processes.eventually(seconds: 20) { hearth.errors.contains("certificates not reloaded") }, "\(hearth.errors)")
            #expect(try TLSClient.serial(port: tlsPort, serverName: "localhost") == "1001")
            // certbot's renewal: new files in place, seen by polling.
            try site.certificates.leaf("renewed", host: "localhost", serial: "4004")
            try Self.replace(site, with: "renewed")
            #expect(await Processes.eventually(seconds: 20) { (try? TLSClient.serial(port: tlsPort, serverName: "localhost")) == "4004" }, "\(hearth.errors)")
            // And on SIGHUP.
            try site.certificates.leaf("again", host: "localhost", serial: "5005")
            try Self.replace(site, with: "again")
            kill(hearth.pid, SIGHUP)
            #expect(await Processes.eventually(seconds: 20) { (try? TLSClient.serial(port: tlsPort, serverName: "localhost")) == "5005" }, "\(hearth.errors)")
        }
    }

    /// `hearth ARGUMENTS` expected to stop by itself: bounded by
    /// timeout(1) (exit 124), so a server that starts instead fails the
    /// test rather than hanging it.
    static func runBounded(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        try ProgramOutput.run("/usr/bin/timeout", ["30", HearthProcess.executable] + arguments, in: directory)
    }

    /// Starts hearth on `site`, runs `body` with it and its TLS port,
    /// then stops it (whatever `body` did) and expects a clean exit.
    static func serving(_ site: Site, _ body: (HearthProcess, Int) async throws -> Void) async throws {
        let (hearth, tlsPort) = try await start(site)
        defer { _ = Processes.killSurvivors([hearth.pid]) }
        let status = try await hearth.stopping { try await body(hearth, tlsPort) }
        #expect(status == 0, "exit \(status): \(hearth.errors)")
    }

    static func replace(_ site: Site, with name: String) throws {
        for suffix in ["pem", "key"] {
            guard rename(site.path + "/certs/\(name).\(suffix)", site.path + "/certs/site.\(suffix)") == 0 else { throw POSIXError(.EIO) }
        }
    }

    @Test("an expired certificate or a mismatched key stops start-up with exit 78 naming the file")
    func badCertificatesAtStart() throws {
        let site = try Self.site()
        try site.certificates.leaf("old", host: "localhost", serial: "6006", expired: true)
        try FileManager.default.removeItem(atPath: site.path + "/certs/site.pem")
        try FileManager.default.copyItem(atPath: site.path + "/certs/old.pem", toPath: site.path + "/certs/site.pem")
        let expired = try Self.runBounded(["serve", "--config", "hearth.yaml"], in: site.path)
        #expect(expired.status == 78 && expired.output.contains("site.pem") && expired.output.contains("expired"), "\(expired.output)")
        // `hearth check` loads them as serve does.
        let check = try Self.runBounded(["check", "--config", "hearth.yaml"], in: site.path)
        #expect(check.status != 0 && check.output.contains("site.pem") && check.output.contains("expired"), "\(check.output)")
        try FileManager.default.removeItem(atPath: site.path + "/certs/site.key")
        try FileManager.default.copyItem(atPath: site.path + "/certs/old.key", toPath: site.path + "/certs/site.key")
        try site.certificates.leaf("fresh", host: "localhost", serial: "7007")
        try FileManager.default.removeItem(atPath: site.path + "/certs/site.pem")
        try FileManager.default.copyItem(atPath: site.path + "/certs/fresh.pem", toPath: site.path + "/certs/site.pem")
        let mismatched = try Self.runBounded(["serve", "--config", "hearth.yaml"], in: site.path)
        #expect(mismatched.status == 78 && mismatched.output.contains("site.key") && mismatched.output.contains("does not match"), "\(mismatched.output)")
        try FileManager.default.removeItem(atPath: site.path + "/certs/site.key")
        let missing = try Self.runBounded(["serve", "--config", "hearth.yaml"], in: site.path)
        #expect(missing.status == 78 && missing.output.contains("site.key") && missing.output.contains("cannot be read"), "\(missing.output)")
    }

    @Test("--port or --host beside listen: stops start-up with exit 78 (which one would win is not guessed)")
    func flagsBesideListen() throws {
        let site = try Self.site()
        for flag in [["--port", "0"], ["--host", "::1"]] {
            let run = try Self.runBounded(["serve", "--config", "hearth.yaml"] + flag, in: site.path)
            #expect(run.status == 78 && run.output.contains("\(flag[0]): the config file has listen:"), "\(run.output)")
        }
    }

    @Test("plain HTTP to the TLS port is closed, a TLS hello to the plain port gets 400; neither hangs")
    func wrongProtocolOnEachPort() async throws {
        let site = try Self.site()
        try await Self.serving(site) { hearth, tlsPort in
            let plainToTLS = try? await rawRequest("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", port: tlsPort, timeoutSeconds: 10)
            #expect(plainToTLS?.status != 200)
            let helloToPlain = try TLSClient.handshake(port: hearth.port, ["-servername", "localhost"])
            #expect(helloToPlain.status != 0 && helloToPlain.output.contains("Cipher is (NONE)"), "\(helloToPlain.output)")
            // Still serving both.
            #expect(try TLSClient.get("/cgi-bin/env", port: tlsPort, caFile: site.ca).output.contains("HTTPS=on"))
        }
    }

    /// And the server closes as soon as the answer is out, whoever ends the
    /// connection: swift-nio-ssl waits for the client's `close_notify` after
    /// sending its own, 5 s by default, and kept every such connection,
    /// socket gone or not, that long (`TLSCertificateLoader.shutdownWait`);
    /// under a few thousand connections a second that was hundreds of
    /// megabytes.
    @Test("a TLS client that half-closes after its request gets the whole answer, with close_notify first or with its FIN alone; closing is prompt")
    func halfCloseOverTLS() async throws {
        let site = try Self.site()
        try await Self.serving(site) { _, tlsPort in
            for mode in ["close_notify", "fin", "connection_close"] {
                let run = try await ProgramOutput.runAside("/usr/bin/timeout", ["20", "/usr/bin/python3", "-c", Self.halfClosingClient, "\(tlsPort)", site.ca, mode])
                let (elapsed, answer) = Self.timed(run.output)
                #expect(run.status == 0 && answer.hasPrefix("HTTP/1.1 200 OK") && answer.hasSuffix("\r\n\r\n" + Self.bigFile), "\(mode): \(run.output.prefix(300))")
                #expect(elapsed < 2.5, "\(mode): the server closed \(elapsed) s after the request")
            }
        }
    }

    /// The client's first line, `elapsed=SECONDS`, and what follows.
    static func timed(_ output: String) -> (elapsed: Double, answer: String) {
        guard let newline = output.firstIndex(of: "\n"), output.hasPrefix("elapsed=") else { return (.infinity, output) }
        return (Double(output[output.index(output.startIndex, offsetBy: 8)..<newline]) ?? .infinity, String(output[output.index(after: newline)...]))
    }

    /// Python's TLS over memory buffers, so the client controls what goes
    /// on the wire: the request, then `close_notify` (or not), then its
    /// FIN; or (`connection_close`) a request the server answers and then
    /// closes, and nothing more. It prints the seconds from its request to
    /// the server's close, then what it read. It asks for a file: a script
    /// still running at a FIN is stopped (docs/http1.md).
    static let halfClosingClient = #"""
        import socket, ssl, sys, time
        port, ca, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        context = ssl.create_default_context(cafile=ca)
        raw = socket.create_connection(("127.0.0.1", port), timeout=15)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
        def send(): raw.sendall(outgoing.read())
        while True:
            try:
                tls.do_handshake(); break
            except ssl.SSLWantReadError:
                send(); incoming.write(raw.recv(65536))
        send()
        extra = b"Connection: close\r\n" if mode == "connection_close" else b""
        tls.write(b"GET /files/big.txt HTTP/1.1\r\nHost: localhost\r\n" + extra + b"\r\n"); send()
        start = time.monotonic()
        if mode == "close_notify":
            try: tls.unwrap()
            except ssl.SSLWantReadError: pass
            send()
        if mode != "connection_close": raw.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := raw.recv(65536):
            incoming.write(chunk)
            try:
                while piece := tls.read(65536): answer += piece
            except (ssl.SSLWantReadError, ssl.SSLZeroReturnError): pass
        sys.stdout.write(f"elapsed={time.monotonic() - start:.3f}\n" + answer.decode())
        """#

    @Test("a client that stalls before or inside its TLS hello is closed by idle_timeout, as a plain one is")
    func stalledHandshakeIsClosed() async throws {
        let site = try Self.site(top: "server: {idle_timeout: 1s}\n")
        try await Self.serving(site) { hearth, tlsPort in
            for (port, bytes) in [(tlsPort, [UInt8]()), (tlsPort, [0x16, 0x03, 0x01, 0x00]), (hearth.port, [])] {
                let client = try RawConnection(port: port, timeoutSeconds: 10)
                if !bytes.isEmpty { try await client.send(bytes) }
                #expect(await client.waitForPeerClose(), "port \(port), sent \(bytes): still open after 10 s")
            }
        }
    }

    @Test("redirect_to_https answers 308 to the https URL on the TLS listener's port, path and query kept")
    func redirectToHTTPS() async throws {
        let site = try Self.site(plainExtra: ", redirect_to_https: true")
        try await Self.serving(site) { hearth, tlsPort in
            let response = try await rawRequest("GET /cgi-bin/env?a=1 HTTP/1.1\r\nHost: localhost:\(hearth.port)\r\nConnection: close\r\n\r\n", port: hearth.port)
            #expect(response.status == 308 && response.header("location") == "https://localhost:\(tlsPort)/cgi-bin/env?a=1", "\(response.statusLine) \(response.header("location") ?? "-")")
            let v6 = try await rawRequest("GET / HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close\r\n\r\n", port: hearth.port)
            #expect(v6.header("location") == "https://[::1]:\(tlsPort)/")
            let noHost = try await rawRequest("GET / HTTP/1.0\r\n\r\n", port: hearth.port)
            #expect(noHost.status == 400)
            // A Host that would put a path or credentials into the Location.
            for host in ["evil.example/phish", "user@evil.example", "a\\b"] {
                let hostile = try await rawRequest("GET / HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n", port: hearth.port)
                #expect(hostile.status == 400 && hostile.header("location") == nil, "\(host): \(hostile.statusLine)")
            }
        }
    }
}
