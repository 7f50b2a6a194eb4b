import HearthTesting
import Testing

/// RFC 3875 §5 and §6: what a script may answer and what the client gets.
@Suite struct ResponseLiveTests {
    static func site() async throws -> CGITestSite {
        try await CGITestSite.start(scripts: ["respond": Probe.respond, "nph-raw": Probe.nph])
    }

    @Test func statusFieldSetsTheStatusLine() async throws {
        let site = try await Self.site()
        let response = try await site.get("/cgi-bin/respond?status")
        #expect(response.statusLine == "HTTP/1.1 404 Nowhere")  // §6.3.3
        #expect(response.text == "missing\n")
        try await site.stop()
    }

    @Test func localRedirectIsFetchedByTheServer() async throws {
        let site = try await Self.site()
        let response = try await site.get("/cgi-bin/respond?local")
        // §6.2.2: the response is the one for /cgi-bin/respond?status.
        #expect(response.status == 404)
        #expect(response.text == "missing\n")
        #expect(response.header("location") == nil)
        try await site.stop()
    }

    @Test func localRedirectLoopIsCapped() async throws {
        let site = try await Self.site()
        #expect(try await site.get("/cgi-bin/respond?loop").status == 500)
        try await site.stop()
    }

    @Test func absoluteLocationIsAClientRedirect() async throws {
        let site = try await Self.site()
        let response = try await site.get("/cgi-bin/respond?client")
        #expect(response.status == 302)  // §6.2.3: MUST be 302 Found
        #expect(response.header("location") == "http://example.org/x")
        try await site.stop()
    }

    @Test func clientRedirectWithDocumentKeepsStatusAndBody() async throws {
        let site = try await Self.site()
        let response = try await site.get("/cgi-bin/respond?clientdoc")
        #expect(response.statusLine == "HTTP/1.1 301 Moved")  // §6.2.4
        #expect(response.header("location") == "http://example.org/y")
        #expect(response.text.contains("moved"))
        try await site.stop()
    }

    @Test func scriptContentLengthPassesThrough() async throws {
        let site = try await Self.site()
        let response = try await site.get("/cgi-bin/respond?length")
        #expect(response.header("content-length") == "6")
        #expect(response.header("transfer-encoding") == nil)
        #expect(response.text == "sized\n")
        try await site.stop()
    }

    /// §6.2.1: the server fits the output to the client's protocol. A
    /// script that gave no length but has closed stdout by the time its
    /// head is read gets a Content-Length, in one write; one still writing
    /// is chunked. Either way the body is the script's.
    @Test func finishedOutputIsFramedByContentLength() async throws {
        let site = try await CGITestSite.start(scripts: ["whole": Probe.closesAfterOneWrite])
        var framedByLength = 0
        for _ in 0..<10 {
            let response = try await site.get("/cgi-bin/whole")
            #expect(response.text == "whole\n")
            if let length = response.header("content-length") {
                #expect(length == "6" && response.header("transfer-encoding") == nil)
                framedByLength += 1
            } else {
                #expect(response.header("transfer-encoding") == "chunked")
            }
        }
        // The end of file comes a system call after the output, so nearly
        // every run here is framed by length; none would be without it.
        #expect(framedByLength > 0)
        try await site.stop()
    }

    /// A script that leaves its body out for HEAD (§4.3.3: it MUST) must not make
    /// the server claim a length of 0 for the resource.
    @Test func headOfFinishedOutputClaimsNoLength() async throws {
        let site = try await CGITestSite.start(scripts: ["whole": Probe.closesAfterOneWrite])
        for _ in 0..<10 {
            let response = try await site.request("HEAD /cgi-bin/whole HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", head: true)
            #expect(response.status == 200)
            #expect(response.header("content-length") == nil)
        }
        try await site.stop()
    }

    @Test func crlfHeaderLinesAreAccepted() async throws {
        let site = try await Self.site()
        let response = try await site.get("/cgi-bin/respond?crlf")
        #expect(response.header("x-line") == "crlf")  // §7.2: servers should accept CR LF
        #expect(response.text == "body\n")
        try await site.stop()
    }

    /// SECURITY.md, framing confusion: the server frames the response.
    @Test func scriptFramingFieldsAreDropped() async throws {
        let site = try await Self.site()
        let response = try await site.get("/cgi-bin/respond?framing")
        // Ours, not the script's raw body: chunked, or a Content-Length when
        // the whole output was in before the head went out.
        if let length = response.header("content-length") {
            #expect(length == "6" && response.header("transfer-encoding") == nil)
        } else {
            #expect(response.header("transfer-encoding") == "chunked")
        }
        #expect(response.header("connection") == "close")  // the client asked to close; the script's keep-alive is gone
        #expect(response.text == "plain\n")
        try await site.stop()
    }

    @Test(arguments: ["conflict", "split"])
    func malformedHeadersAre502(_ query: String) async throws {
        let site = try await Self.site()
        let response = try await site.get("/cgi-bin/respond?\(query)")
        #expect(response.status == 502)  // SECURITY.md: response splitting, CVE-2024-24795
        #expect(response.header("set-cookie") == nil)
        #expect(!response.text.contains("sized") && !response.text.contains("body"))
        // The server is unharmed.
        #expect(try await site.get("/cgi-bin/respond").status == 200)
        try await site.stop()
    }

    /// Apache's "premature end of script headers": no output, or output that
    /// never finishes a header block.
    @Test(arguments: ["nothing", "noheader"])
    func scriptThatEndsBeforeItsHeadersIs500(_ query: String) async throws {
        let site = try await Self.site()
        #expect(try await site.get("/cgi-bin/respond?\(query)").status == 500)
        try await site.stop()
    }

    @Test func headRequestRunsTheScriptButSendsNoBody() async throws {
        let site = try await Self.site()
        let connection = try RawConnection(port: site.port)
        try await connection.send("HEAD /cgi-bin/respond?length HTTP/1.1\r\nHost: t\r\n\r\nGET /cgi-bin/respond HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try await connection.readResponse(head: true)
        #expect(head.status == 200)
        #expect(head.header("content-length") == "6")
        // §4.3.3: the body was discarded, so the next response follows at once.
        #expect(try await connection.readResponse().text == "hello\n")
        try await site.stop()
    }

    /// §5.2: NPH output reaches the client unmodified; the connection closes.
    @Test func nphOutputIsSentUnmodified() async throws {
        let site = try await Self.site()
        let connection = try RawConnection(port: site.port)
        try await connection.send("GET /cgi-bin/nph-raw HTTP/1.1\r\nHost: t\r\n\r\n")
        let bytes = try await connection.readToEnd()
        #expect(String(decoding: bytes, as: UTF8.self) == "HTTP/1.1 299 Custom\r\nX-Raw: yes\r\n\r\nraw body")
        try await site.stop()
    }

    @Test func keepAliveAcrossScriptResponses() async throws {
        let site = try await Self.site()
        let connection = try RawConnection(port: site.port)
        for _ in 0..<3 {
            try await connection.send("GET /cgi-bin/respond HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await connection.readResponse().text == "hello\n")
        }
        try await site.stop()
    }
}
