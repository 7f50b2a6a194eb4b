import Foundation
import HearthCGI
import HearthTesting
import HearthWorkers
import Testing

/// `script_headers: lenient` (issue 23, part 6) through the real server:
/// Python's cgitb page, which Apache shows and a strict parser refuses,
/// cold and warm; and the splitting rules still holding under lenient.
@Suite("Lenient script headers", .serialized)
struct LenientHeadersLiveTests {
    /// A real traceback page: cgitb prints `<!--: spam` first.
    static let cgitbScript = """
        #!/usr/bin/python3
        import cgitb; cgitb.enable()
        1/0
        """

    @Test("cgitb's page: strict answers 502 with a log line, lenient 200 with the traceback")
    func cgitbColdStrictAndLenient() async throws {
        let capture = LogCapture()
        let strict = try await CGITestSite.start(scripts: ["crash.py": Self.cgitbScript], logger: WarmApps.logger(capture))
        let refused = try await strict.get("/cgi-bin/crash.py")
        try await strict.stop()
        #expect(refused.status == 502)
        #expect(!refused.text.contains("ZeroDivisionError"))
        #expect(capture.records.contains { $0.message.contains("crash.py: invalid header field name \"<!--\"") }, "\(capture.records.map(\.message))")

        let lenient = try await CGITestSite.start(scripts: ["crash.py": Self.cgitbScript], mount: { $0.scriptHeaders = .lenient })
        let page = try await lenient.get("/cgi-bin/crash.py")
        try await lenient.stop()
        #expect(page.status == 200)
        #expect(page.header("Content-Type") == "text/html")
        #expect(page.text.contains("ZeroDivisionError"))
        #expect(page.header("<!--") == nil)
    }

    /// Splitting attempts behind a name only lenient takes: still 502, and
    /// nothing of the smuggled field reaches the client.
    @Test(arguments: [
        ("cr-in-value.sh", #"printf '<!--: spam\r\nX-A: a\rSet-Cookie: admin=1\r\nContent-Type: text/html\r\n\r\nbody'"#),
        ("cr-in-dropped.sh", #"printf '<!--: a\rSet-Cookie: admin=1\nContent-Type: text/html\n\nbody'"#),
        ("nul.sh", #"printf '<!--: spam\nX-A: a\0Set-Cookie: admin=1\nContent-Type: text/html\n\nbody'"#),
        ("folded.sh", #"printf '<!--: spam\n Set-Cookie: admin=1\nContent-Type: text/html\n\nbody'"#),
        ("space-name.sh", #"printf 'Set-Cookie admin: 1\nContent-Type: text/html\n\nbody'"#),
    ])
    func splittingStillRefusedWhenLenient(_ name: String, _ command: String) async throws {
        let site = try await CGITestSite.start(scripts: [name: "#!/bin/sh\n\(command)\n"], mount: { $0.scriptHeaders = .lenient })
        let response = try await site.get("/cgi-bin/\(name)")
        try await site.stop()
        #expect(response.status == 502, "\(name)")
        #expect(response.header("Set-Cookie") == nil)
    }

    /// Framing fields are the server's under lenient too.
    @Test func framingFieldsStillDroppedWhenLenient() async throws {
        let script = "#!/bin/sh\nprintf '<!--: spam\\nUpgrade: websocket\\nKeep-Alive: timeout=99\\nContent-Type: text/plain\\n\\nhello'\n"
        let site = try await CGITestSite.start(scripts: ["frame.sh": script], mount: { $0.scriptHeaders = .lenient })
        let response = try await site.get("/cgi-bin/frame.sh")
        try await site.stop()
        #expect(response.status == 200)
        #expect(response.text == "hello")
        #expect(response.header("Upgrade") == nil && response.header("Keep-Alive") == nil)
    }

    @Test("warm: a FastCGI pool's cgitb-style page, strict 502 and lenient 200")
    func warmStrictAndLenient() async throws {
        let app = try TemporaryDirectory()
        let program = try app.write("app.fcgi", #"""
            #!/usr/bin/perl
            use CGI::Fast;
            while (my $q = CGI::Fast->new) { print "<!--: spam\nContent-Type: text/html\n\n<p>traceback</p>"; }
            """#, mode: 0o755)
        for (names, status) in [(CGIScriptHeaders.strict, 502), (.lenient, 200)] {
            let site = try await CGITestSite.start(scripts: [:], site: { configuration in
                var mount = FastCGIMountConfiguration(urlPath: "/app", backend: .pool(testPool { $0.command = [program] }))
                mount.scriptHeaders = names
                configuration.fastCGIMounts = [mount]
            })
            let response = try await site.get("/app/")
            try await site.stop()
            #expect(response.status == status, "\(names)")
            #expect(response.text.contains("<p>traceback</p>") == (status == 200))
        }
    }

    @Test("warm: fcgi_scripts' script_headers for *.fcgi in a CGI directory")
    func scriptPoolsLenient() async throws {
        let script = #"""
            #!/usr/bin/perl
            use CGI::Fast;
            while (my $q = CGI::Fast->new) { print "<!--: spam\nContent-Type: text/html\n\n<p>traceback</p>"; }
            """#
        let site = try await CGITestSite.start(scripts: ["app.fcgi": script], site: { configuration in
            var pool = testPool()
            pool.scriptHeaders = .lenient
            configuration.scriptPools = pool
        })
        let response = try await site.get("/cgi-bin/app.fcgi")
        try await site.stop()
        #expect(response.status == 200)
        #expect(response.text == "<p>traceback</p>")
    }
}
