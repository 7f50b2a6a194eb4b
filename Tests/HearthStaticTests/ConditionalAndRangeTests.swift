import HearthTesting
import Testing

/// Validators and conditional requests (RFC 9110 §13), byte ranges (§14).
@Suite struct ConditionalAndRangeTests {
    static let alphabet = "abcdefghijklmnopqrstuvwxyz"

    @Test func matchingEntityTagIsNotModified() async throws {
        let site = try await StaticSite.start()
        try site.write("a.txt", "first")
        let etag = try #require(try await site.request("/a.txt").header("etag"))
        for condition in [etag, "\"other\", W/\(etag)", "*"] {
            let response = try await site.request("/a.txt", "If-None-Match: \(condition)")
            #expect(response.status == 304, "If-None-Match: \(condition)")
            #expect(response.header("etag") == etag)
            #expect(response.body.isEmpty)
        }
        #expect(try await site.request("/a.txt", "If-None-Match: \"other\"").status == 200)
        try await site.stop()
    }

    @Test func changedFileGetsANewEntityTag() async throws {
        let site = try await StaticSite.start()
        try site.write("a.txt", "first")
        let before = try #require(try await site.request("/a.txt").header("etag"))
        try site.write("a.txt", "second version")
        let response = try await site.request("/a.txt", "If-None-Match: \(before)")
        #expect(response.status == 200)
        #expect(response.text == "second version")
        #expect(response.header("etag") != before)
        try await site.stop()
    }

    @Test func unchangedSinceLastModifiedIsNotModified() async throws {
        let site = try await StaticSite.start()
        try site.write("a.txt", "first")
        let lastModified = try #require(try await site.request("/a.txt").header("last-modified"))
        let response = try await site.request("/a.txt", "If-Modified-Since: \(lastModified)")
        #expect(response.status == 304)
        #expect(response.header("last-modified") == lastModified)
        let older = try await site.request("/a.txt", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(older.status == 200)
        #expect(older.text == "first")
        try await site.stop()
    }

    /// RFC 9110 §13.2.2: If-None-Match decides; If-Modified-Since is ignored.
    @Test func ifNoneMatchTakesPrecedenceOverIfModifiedSince() async throws {
        let site = try await StaticSite.start()
        try site.write("a.txt", "first")
        let lastModified = try #require(try await site.request("/a.txt").header("last-modified"))
        let response = try await site.request("/a.txt", "If-None-Match: \"stale\"", "If-Modified-Since: \(lastModified)")
        #expect(response.status == 200)
        try await site.stop()
    }

    @Test(arguments: [
        ("bytes=2-5", "cdef", "bytes 2-5/26"),
        ("bytes=-3", "xyz", "bytes 23-25/26"),
        ("bytes=20-", "uvwxyz", "bytes 20-25/26"),
        ("bytes=24-999", "yz", "bytes 24-25/26"),
    ])
    func singleRangeIsPartialContent(range: String, body: String, contentRange: String) async throws {
        let site = try await StaticSite.start()
        try site.write("abc.txt", Self.alphabet)
        let response = try await site.request("/abc.txt", "Range: \(range)")
        #expect(response.status == 206)
        #expect(response.text == body)
        #expect(response.header("content-range") == contentRange)
        #expect(response.header("content-length") == String(body.utf8.count))
        try await site.stop()
    }

    @Test(arguments: ["bytes=26-", "bytes=100-200", "bytes=-0"])
    func rangeOutsideTheFileIsNotSatisfiable(range: String) async throws {
        let site = try await StaticSite.start()
        try site.write("abc.txt", Self.alphabet)
        let response = try await site.request("/abc.txt", "Range: \(range)")
        #expect(response.status == 416)
        #expect(response.header("content-range") == "bytes */26")
        #expect(!response.text.contains("abc"))
        try await site.stop()
    }

    /// Several ranges, a malformed one, another unit: the whole file, 200.
    @Test(arguments: ["bytes=0-1,4-5", "bytes=5-2", "items=0-1", "bytes=x-"])
    func rangeNotServedAsAPartIsTheWholeFile(range: String) async throws {
        let site = try await StaticSite.start()
        try site.write("abc.txt", Self.alphabet)
        let response = try await site.request("/abc.txt", "Range: \(range)")
        #expect(response.status == 200)
        #expect(response.text == Self.alphabet)
        try await site.stop()
    }

    @Test func ifRangeAppliesTheRangeOnlyWhileTheValidatorMatches() async throws {
        let site = try await StaticSite.start()
        try site.write("abc.txt", Self.alphabet)
        let first = try await site.request("/abc.txt")
        let etag = try #require(first.header("etag"))
        let date = try #require(first.header("last-modified"))
        #expect(try await site.request("/abc.txt", "Range: bytes=0-2", "If-Range: \(etag)").text == "abc")
        #expect(try await site.request("/abc.txt", "Range: bytes=0-2", "If-Range: \(date)").text == "abc")
        let stale = try await site.request("/abc.txt", "Range: bytes=0-2", "If-Range: \"stale\"")
        #expect(stale.status == 200)
        #expect(stale.text == Self.alphabet)
        // A weak tag never matches in If-Range (RFC 9110 §13.1.5).
        #expect(try await site.request("/abc.txt", "Range: bytes=0-2", "If-Range: W/\(etag)").status == 200)
        try await site.stop()
    }

    /// A range deep inside a large file: the sendfile offsets are right.
    @Test func rangeOfALargeFileHasTheExactBytes() async throws {
        let site = try await StaticSite.start()
        let bytes = patternBytes(1 << 20)
        try site.write("big.bin", bytes)
        let response = try await site.request("/big.bin", "Range: bytes=300000-700000")
        #expect(response.status == 206)
        let intact = response.body == Array(bytes[300_000...700_000])
        #expect(intact)  // a Bool: no huge diff on failure
        #expect(response.header("content-range") == "bytes 300000-700000/1048576")
        try await site.stop()
    }
}
