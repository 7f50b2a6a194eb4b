import HearthTesting
import Testing

/// Serving files: types, HEAD, directories, methods, mounts, large bodies.
@Suite struct StaticFileTests {
    @Test func htmlTypeComesFromTheExtension() async throws {
        let site = try await StaticSite.start()
        try site.write("page.html", "<p>hello</p>\n")
        let response = try await site.request("/page.html")
        #expect(response.status == 200)
        #expect(response.header("content-type") == "text/html; charset=utf-8")
        #expect(response.text == "<p>hello</p>\n")
        #expect(response.header("accept-ranges") == "bytes")
        try await site.stop()
    }

    @Test func extensionlessPNGIsRecognisedByItsBytes() async throws {
        let site = try await StaticSite.start()
        try site.write("logo", pngBytes)
        let response = try await site.request("/logo")
        #expect(response.status == 200)
        #expect(response.header("content-type") == "image/png")
        #expect(response.body == pngBytes)
        try await site.stop()
    }

    @Test func headHasTheLengthButNoBody() async throws {
        let site = try await StaticSite.start()
        try site.write("a.txt", "twelve bytes")
        let connection = try RawConnection(port: site.server.port)
        // Pipelined: a body after the HEAD response would be read as the
        // start of the next response.
        try await connection.send("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try await connection.readResponse(head: true)
        #expect(head.status == 200)
        #expect(head.header("content-length") == "12")
        let next = try await connection.readResponse()
        #expect(next.statusLine == "HTTP/1.1 200 OK")
        #expect(next.text == "twelve bytes")
        try await site.stop()
    }

    @Test func directoryWithSlashServesItsIndex() async throws {
        let site = try await StaticSite.start()
        try site.write("index.html", "root index")
        try site.write("docs/index.html", "docs index")
        #expect(try await site.request("/docs/").text == "docs index")
        let top = try await site.request("/")
        #expect(top.status == 200)
        #expect(top.text == "root index")
        #expect(top.header("content-type") == "text/html; charset=utf-8")
        try await site.stop()
    }

    @Test func directoryWithoutSlashRedirectsKeepingTheQuery() async throws {
        let site = try await StaticSite.start()
        try site.write("docs/index.html", "docs index")
        let response = try await site.request("/docs?page=2")
        #expect(response.status == 301)
        #expect(response.header("location") == "/docs/?page=2")
        #expect(!response.text.contains("docs index"))
        try await site.stop()
    }

    /// The slash redirect's Location is built from the normalized path
    /// (`RequestPath`): `//sub` must not become `Location: //sub/`, which a
    /// browser reads as the host `sub` (an open redirect).
    @Test(arguments: [
        ("/", "//docs", "/docs/"), ("/", "///docs?x=1", "/docs/?x=1"), ("/", "/%64ocs", "/docs/"), ("/", "//docs//sub", "/docs/sub/"),
        ("/", "/sp%20ace", "/sp%20ace/"), ("/files", "//files//docs", "/files/docs/"), ("/files", "/files", "/files/"),
    ])
    func theSlashRedirectNamesTheNormalizedPath(_ mount: String, _ target: String, _ location: String) async throws {
        let site = try await StaticSite.start(urlPath: mount)
        try site.write("docs/sub/index.html", "sub index")
        try site.write("sp ace/index.html", "space index")
        let response = try await site.request(target)
        try await site.stop()
        #expect(response.status == 301)
        #expect(response.header("location") == location)
    }

    @Test func directoryWithoutIndexIsForbidden() async throws {
        let site = try await StaticSite.start()
        try site.write("files/readme.txt", "listed nowhere")
        let response = try await site.request("/files/")
        #expect(response.status == 403)
        #expect(!response.text.contains("readme"))
        try await site.stop()
    }

    @Test func missingFileIsNotFound() async throws {
        let site = try await StaticSite.start()
        try site.write("here.txt", "here")
        #expect(try await site.request("/gone.txt").status == 404)
        #expect(try await site.request("/here.txt/more").status == 404)
        try await site.stop()
    }

    @Test func otherMethodsAreNotAllowed() async throws {
        let site = try await StaticSite.start()
        try site.write("a.txt", "a")
        let response = try await site.request("/a.txt", method: "DELETE")
        #expect(response.status == 405)
        #expect(response.header("allow") == "GET, HEAD")
        try await site.stop()
    }

    @Test func mountPrefixIsStripped() async throws {
        let site = try await StaticSite.start(urlPath: "/static/")
        try site.write("a.txt", "mounted")
        #expect(try await site.request("/static/a.txt").text == "mounted")
        #expect(try await site.request("/static").header("location") == "/static/")
        #expect(try await site.request("/statica.txt").status == 404)
        #expect(try await site.request("/a.txt").status == 404)
        try await site.stop()
    }

    /// Sent with sendfile; twice on one connection, so the second response
    /// also proves the first left the connection in a clean state.
    @Test func oneMebibyteFileArrivesIntact() async throws {
        let site = try await StaticSite.start()
        let bytes = patternBytes(1 << 20)
        try site.write("big.bin", bytes)
        let connection = try RawConnection(port: site.server.port)
        for _ in 0..<2 {
            try await connection.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try await connection.readResponse()
            #expect(response.status == 200)
            #expect(response.header("content-length") == "1048576")
            let intact = response.body == bytes
            #expect(intact)  // a Bool: no megabyte-long diff on failure
        }
        try await site.stop()
    }
}
