import Foundation
import HearthTesting
import Testing

/// The samples shipped in cgi-bin/, run as they are by the real server.
@Suite struct SampleScriptTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("cgi-bin").path

    static func site() async throws -> CGITestSite {
        try await CGITestSite.start(scripts: [:], mount: { $0.directory = samples })
    }

    @Test func hello() async throws {
        let site = try await Self.site()
        #expect(try await site.get("/cgi-bin/hello.sh").text == "Hello from /cgi-bin/hello.sh, served by Hearth/0.1.\n")
        try await site.stop()
    }

    @Test func printenv() async throws {
        let site = try await Self.site()
        let text = try await site.get("/cgi-bin/printenv.pl/extra?a=1").text
        #expect(text.contains("PATH_INFO=/extra\n"))
        #expect(text.contains("QUERY_STRING=a=1\n"))
        try await site.stop()
    }

    @Test func formEchoesAPost() async throws {
        let site = try await Self.site()
        let body = "name=Ada+Lovelace&note=%3Cb%3E"
        let response = try await site.request("POST /cgi-bin/form.py HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        #expect(response.text.contains("<dt>name</dt><dd>Ada Lovelace</dd>"))
        #expect(response.text.contains("<dd>&lt;b&gt;</dd>"))
        try await site.stop()
    }

    @Test func uploadReportsEachPart() async throws {
        let site = try await Self.site()
        let file = String(repeating: "0123456789", count: 1000)
        let boundary = "hearthboundary"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        let response = try await site.request("POST /cgi-bin/upload.py HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        #expect(response.text.hasPrefix("doc a.txt 10000 "))
        try await site.stop()
    }

    @Test func nphClockWritesItsOwnStatusLine() async throws {
        let site = try await Self.site()
        let connection = try RawConnection(port: site.port)
        try await connection.send("GET /cgi-bin/nph-clock.sh HTTP/1.1\r\nHost: t\r\n\r\n")
        let text = String(decoding: try await connection.readToEnd(), as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n20"))
        try await site.stop()
    }

    @Test func redirects() async throws {
        let site = try await Self.site()
        #expect(try await site.get("/cgi-bin/redirect.sh?local").text.hasPrefix("Hello from /cgi-bin/hello.sh"))
        let client = try await site.get("/cgi-bin/redirect.sh")
        #expect(client.status == 302)
        #expect(client.header("location") == "http://test:\(site.port)/cgi-bin/hello.sh")
        try await site.stop()
    }
}
