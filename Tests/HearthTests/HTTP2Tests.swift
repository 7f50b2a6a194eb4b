import Foundation
import HearthTesting
import Testing

/// Issue 25, item 3: HTTP/2 on the real `hearth` binary, negotiated by
/// ALPN on a TLS listener and with prior knowledge on a plain one with
/// `h2c`, spoken to by real clients (curl, nghttp, h2load) and, for what
/// no well-behaved client sends, by frames written by hand (`RawHTTP2`).
@Suite("HTTP/2", .serialized)
struct HTTP2Tests {
    typealias Site = TLSListenerTests.Site

    static let smallFile = String(repeating: "0123456789", count: 100) + "\n"

    /// TLSListenerTests' site (a plain listener, here with `h2c`, and a TLS
    /// one; `env`, `env.fcgi`, `big.txt`) with an access log and the
    /// scripts these tests run.
    static func site(server: String = "", tlsListener: String = "") throws -> Site {
        let site = try TLSListenerTests.site(plainExtra: ", h2c: true", top: "server: {\(server)}\n", tlsListenerExtra: tlsListener, accessLog: "access.log")
        try site.directory.write("public/small.txt", Array(smallFile.utf8))
        try site.directory.write("cgi-bin/echo", Array("#!/bin/sh\nprintf 'Content-Type: application/octet-stream\\r\\n\\r\\n'\ncat\n".utf8), mode: 0o755)
        try site.directory.write("cgi-bin/nph-hello", Array("#!/bin/sh\nprintf 'HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nnph\\n'\n".utf8), mode: 0o755)
        try site.directory.write("cgi-bin/slow", Array("#!/bin/sh\nsleep 1\nprintf 'Content-Type: text/plain\\r\\n\\r\\nslow done\\n'\n".utf8), mode: 0o755)
        // 4 MiB in 64 KiB pieces, counting them in `progress`: how far a
        // script got while its reader did not read.
        try site.directory.write("cgi-bin/flood", Array("""
            #!/bin/sh
            printf 'Content-Type: application/octet-stream\\r\\n\\r\\n'
            i=0
            while [ $i -lt 64 ]; do head -c 65536 /dev/zero; i=$((i+1)); echo $i > \(site.path)/progress; done

            """.utf8), mode: 0o755)
        return site
    }

    static func serving(_ site: Site, _ body: (HearthProcess, Int) async throws -> Void) async throws {
        try await TLSListenerTests.serving(site, body)
    }

    /// hearth serving a fresh site, and one raw HTTP/2 connection to its
    /// h2c listener, opened (the server's SETTINGS acknowledged).
    struct RawSession {
        let hearth: HearthProcess
        let site: Site
        let connection: RawConnection
        let settings: [UInt16: UInt32]
    }

    static func rawSession(
        server: String = "", timeoutSeconds: Int = 20, prepare: (Site) throws -> Void = { _ in }, _ body: (RawSession) async throws -> Void
    ) async throws {
        let site = try site(server: server)
        try prepare(site)
        try await serving(site) { hearth, _ in
            let connection = try RawConnection(port: hearth.port, timeoutSeconds: timeoutSeconds)
            let settings = try await connection.openHTTP2()
            try await body(RawSession(hearth: hearth, site: site, connection: connection, settings: settings))
        }
    }

    /// curl with `arguments`; the output ends with the HTTP version curl
    /// used and the status, on a line of their own.
    static func curl(_ arguments: [String]) throws -> (version: String, status: String, body: String) {
        let result = try ProgramOutput.run("/usr/bin/curl", ["-sS", "--max-time", "20", "-w", "\n%{http_version} %{http_code}"] + arguments)
        let end = result.output.lastIndex(of: "\n") ?? result.output.startIndex
        let last = result.output[end...].dropFirst().split(separator: " ").map(String.init)
        return (last.first ?? "", last.count > 1 ? last[1] : "", String(result.output[..<end]))
    }

    static func https(_ path: String, port: Int, site: Site, _ extra: [String] = []) throws -> (version: String, status: String, body: String) {
        try curl(["--http2", "--cacert", site.ca, "--resolve", "localhost:\(port):127.0.0.1"] + extra + ["https://localhost:\(port)\(path)"])
    }

    static func h2c(_ path: String, port: Int, _ extra: [String] = []) throws -> (version: String, status: String, body: String) {
        try curl(["--http2-prior-knowledge"] + extra + ["http://127.0.0.1:\(port)\(path)"])
    }

    /// What every door must do over HTTP/2: a cold script (with the
    /// request's protocol), a FastCGI script, a static range, a body echoed.
    static func checkEveryDoor(_ get: (String, [String]) throws -> (version: String, status: String, body: String), site: Site, secure: Bool) throws {
        let cold = try get("/cgi-bin/env", [])
        #expect(cold.version == "2" && cold.status == "200", "\(cold)")
        #expect(cold.body.contains("SERVER_PROTOCOL=HTTP/2.0\n"), "\(cold.body)")
        #expect(cold.body.contains("HTTP_HOST=") && cold.body.contains("REQUEST_METHOD=GET\n"), "\(cold.body)")
        #expect(cold.body.contains("HTTPS=on") == secure && cold.body.contains("SSL_PROTOCOL=TLSv1.3") == secure, "\(cold.body)")
        let warm = try get("/cgi-bin/env.fcgi", [])
        #expect(warm.version == "2" && warm.status == "200" && warm.body.contains("SERVER_PROTOCOL=HTTP/2.0\n"), "\(warm)")
        let range = try get("/files/big.txt", ["-r", "3-12"])
        #expect(range.version == "2" && range.status == "206" && range.body == "3456789abc", "\(range)")
        let whole = try get("/files/big.txt", [])
        #expect(whole.status == "200" && whole.body == TLSListenerTests.bigFile, "a \(whole.body.utf8.count)-byte copy")
        let upload = String(repeating: "posted body line\n", count: 20_000)
        try upload.write(toFile: site.path + "/upload.txt", atomically: true, encoding: .utf8)
        let echoed = try get("/cgi-bin/echo", ["--data-binary", "@" + site.path + "/upload.txt"])
        #expect(echoed.version == "2" && echoed.status == "200" && echoed.body == upload, "\(echoed.body.utf8.count) bytes back")
        // The head as it went out: the request id, no connection-specific
        // field (RFC 9113 §8.2.2); HEAD has the length and no body.
        let head = try get("/files/big.txt", ["-I"])
        let fields = head.body.lowercased()
        #expect(head.version == "2" && head.status == "200" && fields.contains("x-request-id: ") && fields.contains("content-length: \(TLSListenerTests.bigFile.utf8.count)"), "\(head)")
        #expect(!fields.contains("connection:") && !fields.contains("transfer-encoding:") && !fields.contains("keep-alive"), "\(head)")
    }

    @Test("TLS with ALPN h2: a cold script (SERVER_PROTOCOL=HTTP/2.0, HTTPS, SSL_*), FastCGI, a static range and a POST body over HTTP/2; the access log says HTTP/2.0")
    func overTLS() async throws {
        let site = try Self.site()
        try await Self.serving(site) { _, tlsPort in
            try Self.checkEveryDoor({ try Self.https($0, port: tlsPort, site: site, $1) }, site: site, secure: true)
            #expect(site.accessLog.contains("\"GET /cgi-bin/env HTTP/2.0\" 200"), "\(site.accessLog)")
            #expect(site.accessLog.contains("\"GET /files/big.txt HTTP/2.0\" 206"), "\(site.accessLog)")
        }
    }

    @Test("a page (pages: true) over HTTP/2, ALPN and h2c: rendered with the request's values, its template source never sent")
    func pagesOverHTTP2() async throws {
        let site = try Self.site()
        try site.directory.write("pages/hello.mustache", Array("protocol {{request.SERVER_PROTOCOL}}, method {{request.method}}\n".utf8))
        let config = try String(contentsOfFile: site.path + "/hearth.yaml", encoding: .utf8)
        try site.directory.write("hearth.yaml", config + "  - {url: /pages, root: pages, pages: true}\n")
        try await Self.serving(site) { hearth, tlsPort in
            for page in [try Self.https("/pages/hello", port: tlsPort, site: site), try Self.h2c("/pages/hello", port: hearth.port)] {
                #expect(page.version == "2" && page.status == "200" && page.body == "protocol HTTP/2.0, method GET\n", "\(page)")
            }
            let source = try Self.h2c("/pages/hello.mustache", port: hearth.port)
            #expect(source.version == "2" && source.status == "404", "\(source)")
        }
    }

    @Test("h2c with prior knowledge on a plain listener; HTTP/1.1 on the same port still works")
    func priorKnowledge() async throws {
        let site = try Self.site()
        try await Self.serving(site) { hearth, _ in
            try Self.checkEveryDoor({ try Self.h2c($0, port: hearth.port, $1) }, site: site, secure: false)
            let old = try Self.curl(["--http1.1", "http://127.0.0.1:\(hearth.port)/cgi-bin/env"])
            #expect(old.version == "1.1" && old.status == "200" && old.body.contains("SERVER_PROTOCOL=HTTP/1.1\n"), "\(old)")
            let raw = try await rawRequest("GET /files/small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: hearth.port)
            #expect(raw.status == 200 && raw.text == Self.smallFile)
        }
    }

    @Test("a client that offers only http/1.1 on the TLS port gets HTTP/1.1; http2: false takes h2 out of ALPN")
    func http11OnTLS() async throws {
        let site = try Self.site()
        try await Self.serving(site) { _, tlsPort in
            let old = try Self.https("/cgi-bin/env", port: tlsPort, site: site, ["--http1.1"])
            #expect(old.version == "1.1" && old.status == "200" && old.body.contains("SERVER_PROTOCOL=HTTP/1.1\n"), "\(old)")
        }
        let off = try Self.site(tlsListener: ", http2: false")
        try await Self.serving(off) { _, tlsPort in
            let answer = try Self.https("/files/small.txt", port: tlsPort, site: off)
            #expect(answer.version == "1.1" && answer.status == "200", "\(answer)")
        }
    }

    /// RFC 9110 §10.1.1 over HTTP/2 (RFC 9113 §8.1: 1xx as its own
    /// HEADERS frame): the script reads the body only after Hearth sent
    /// `100 Continue` on the stream, over ALPN h2 and over h2c alike.
    @Test("Expect: 100-continue over HTTP/2: a 100 HEADERS frame, then the script's answer with the body echoed")
    func expectContinue() async throws {
        let site = try Self.site()
        try await Self.serving(site) { hearth, tlsPort in
            let tls = ["--http2", "--cacert", site.ca, "--resolve", "localhost:\(tlsPort):127.0.0.1", "https://localhost:\(tlsPort)/cgi-bin/echo"]
            for target in [tls, ["--http2-prior-knowledge", "http://127.0.0.1:\(hearth.port)/cgi-bin/echo"]] {
                let result = try ProgramOutput.run("/usr/bin/curl", ["-sv", "--max-time", "20", "-H", "Expect: 100-continue", "--data-binary", "continued body"] + target)
                #expect(result.output.contains("< HTTP/2 100"), "no 100 Continue: \(result.output)")
                #expect(result.output.contains("< HTTP/2 200") && result.output.contains("continued body"), "\(result.output)")
            }
        }
    }

    @Test("an NPH script over HTTP/2 is 502 with a log line saying why; over HTTP/1.1 it runs")
    func nph() async throws {
        let site = try Self.site()
        try await Self.serving(site) { hearth, tlsPort in
            let refused = try Self.https("/cgi-bin/nph-hello", port: tlsPort, site: site)
            #expect(refused.version == "2" && refused.status == "502", "\(refused)")
            #expect(await Processes.eventually { hearth.errors.contains("an NPH script cannot own an HTTP/2 stream") }, "\(hearth.errors)")
            let old = try Self.curl(["--http1.1", "http://127.0.0.1:\(hearth.port)/cgi-bin/nph-hello"])
            #expect(old.status == "200" && old.body == "nph\n", "\(old)")
        }
    }

    @Test("nghttp shows the SETTINGS Hearth sends: 128 concurrent streams, the head limit as header list size")
    func nghttpSettings() async throws {
        let site = try Self.site()
        try await Self.serving(site) { _, tlsPort in
            let result = try ProgramOutput.run("/usr/bin/timeout", ["20", "nghttp", "-nv", "https://127.0.0.1:\(tlsPort)/files/small.txt"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("SETTINGS_MAX_CONCURRENT_STREAMS(0x03):128"), "\(result.output)")
            #expect(result.output.contains("SETTINGS_MAX_HEADER_LIST_SIZE(0x06):65536"), "\(result.output)")
            #expect(result.output.contains(":status: 200"), "\(result.output)")
        }
    }

    @Test("h2load: 200 requests on 4 connections, 10 streams each, over TLS: 0 failed, 0 errored")
    func h2load() async throws {
        let site = try Self.site()
        try await Self.serving(site) { _, tlsPort in
            let result = try ProgramOutput.run("/usr/bin/timeout", ["60", "h2load", "-n", "200", "-c", "4", "-m", "10", "https://127.0.0.1:\(tlsPort)/files/small.txt"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("200 succeeded, 0 failed, 0 errored"), "\(result.output)")
        }
    }
}

extension TLSListenerTests.Site {
    var accessLog: String { (try? String(contentsOfFile: path + "/access.log", encoding: .utf8)) ?? "" }
    /// How many pieces `cgi-bin/flood` wrote.
    var progress: Int { Int(((try? String(contentsOfFile: path + "/progress", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }
}
