import Foundation
import Guestbook
import Hearth
import HearthTesting
import HearthWorkers
import Testing

/// Issue #6: one guestbook binary, built once, answers alike cold (a CGI
/// script), warm (a FastCGI pool's worker), hot (the same `Guestbook` value
/// mounted in-process) and standalone (the binary serving HTTP itself),
/// each through a real server on a real socket.
@Suite struct ThreeTemperaturesTests {
    /// What is compared of one answer. The mount prefix differs by
    /// temperature, so where it appears (Location, the form's action) it is
    /// written `{base}`.
    struct Answer: Equatable, CustomStringConvertible {
        var status: Int
        var contentType: String?
        var location: String?
        var allow: String?
        /// `Content-Length` or `chunked`; the length itself depends on the
        /// prefix, so `exactLength` says whether it is the body's.
        var framing: String
        var exactLength: Bool
        var body: String

        /// `expectedLength`: the body's byte count; for HEAD, that of the
        /// GET of the same page.
        init(_ response: RawResponse, base: String, expectedLength: Int) {
            status = response.status
            contentType = response.header("Content-Type")
            location = response.header("Location").map { $0 == base + "/" ? "{base}/" : $0 }
            allow = response.header("Allow")
            framing = response.header("Transfer-Encoding") ?? (response.header("Content-Length") == nil ? "none" : "Content-Length")
            exactLength = response.header("Content-Length").map { Int($0) == expectedLength } ?? true
            body = response.text.replacingOccurrences(of: "action=\"\(base)/\"", with: "action=\"{base}/\"")
        }

        var description: String { "\(status) \(contentType ?? "-") \(location ?? "-") \(allow ?? "-") \(framing)\(exactLength ? "" : " (wrong length)") \(body.debugDescription)" }
    }

    static let form = "name=Ada+%26+co&message=%3Cb%3Ehello%3C%2Fb%3E+world"

    /// The same requests at every temperature: list, sign (303), list again,
    /// a bad post (400), a wrong method (405), a wrong path (404), HEAD.
    static func exchange(port: Int, base: String) async throws -> [Answer] {
        let host = "Host: test\r\nConnection: close\r\n"
        let post = { (body: String) in
            "POST \(base)/ HTTP/1.1\r\n\(host)Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        let requests = [
            "GET \(base)/ HTTP/1.1\r\n\(host)\r\n",
            post(form),
            "GET \(base)/ HTTP/1.1\r\n\(host)\r\n",
            post("name=Ada"),
            "DELETE \(base)/ HTTP/1.1\r\n\(host)\r\n",
            "GET \(base)/elsewhere HTTP/1.1\r\n\(host)\r\n",
            "HEAD \(base)/ HTTP/1.1\r\n\(host)\r\n",
        ]
        var answers: [Answer] = []
        var pageLength = 0
        for request in requests {
            let isHead = request.hasPrefix("HEAD")
            let response = try await rawRequest(request, port: port, head: isHead)
            if request.hasPrefix("GET \(base)/ ") { pageLength = response.body.count }
            answers.append(Answer(response, base: base, expectedLength: isHead ? pageLength : response.body.count))
        }
        return answers
    }

    @Test func guestbookAnswersAlikeColdWarmHotAndStandalone() async throws {
        let binary = HearthProcess.builtExecutable("guestbook")
        let data = try TemporaryDirectory()
        let scripts = try TemporaryDirectory()
        // Copied, not linked: the cold resolver refuses a symlink that
        // leaves the script directory (SECURITY.md, path traversal).
        try FileManager.default.copyItem(atPath: binary, toPath: scripts.path + "/guestbook.cgi")
        let file = { (name: String) in data.path + "/\(name).txt" }
        let path = ("PATH", "/usr/local/bin:/usr/bin:/bin")
        var pool = WorkerPoolConfiguration(command: [binary])
        pool.environment = [path, ("GUESTBOOK_FILE", file("warm"))]
        let site = try await CGITestSite.start(
            scripts: [:],
            mount: { $0.directory = scripts.path; $0.environment = [path, ("GUESTBOOK_FILE", file("cold"))] },
            site: { $0.fastCGIMounts = [FastCGIMountConfiguration(urlPath: "/warm", backend: .pool(pool))] },
            builder: { $0.mount("/hot", handler: Guestbook(file: file("hot"))) }
        )
        let alone = try await HearthProcess.launch(
            binary, arguments: ["--port", "0"], environment: ["PATH": path.1, "GUESTBOOK_FILE": file("alone")], workingDirectory: data.path
        )
        let cold = try await Self.exchange(port: site.port, base: "/cgi-bin/guestbook.cgi")
        let warm = try await Self.exchange(port: site.port, base: "/warm")
        let hot = try await Self.exchange(port: site.port, base: "/hot")
        let standalone = try await Self.exchange(port: alone.port, base: "")
        try await site.stop()
        #expect(try await alone.terminate() == 0, "SIGTERM is a graceful stop")

        // What the guestbook must answer, so that four equal wrong answers fail.
        try #require(hot.count == 7)
        #expect(hot[0].status == 200 && hot[0].body.contains("No entries yet."))
        #expect(hot[1].status == 303 && hot[1].location == "{base}/")
        #expect(hot[2].status == 200 && hot[2].body.contains("<li><b>Ada &amp; co</b>: &lt;b&gt;hello&lt;/b&gt; world</li>"))
        #expect(hot[2].body.contains("action=\"{base}/\""))
        #expect(hot[3].status == 400 && hot[4].status == 405 && hot[4].allow == "GET, HEAD, POST" && hot[5].status == 404)
        #expect(hot[6].status == 200 && hot[6].body.isEmpty)
        #expect(hot.allSatisfy { $0.framing == "Content-Length" && $0.exactLength })
        for (name, answers) in [("cold", cold), ("warm", warm), ("standalone", standalone)] {
            for (index, pair) in zip(answers, hot).enumerated() where pair.0 != pair.1 {
                Issue.record("\(name), request \(index): \(pair.0)\n  hot: \(pair.1)")
            }
        }
        // One signature each, written by whichever process served it.
        for name in ["cold", "warm", "hot", "alone"] {
            let lines = try String(contentsOfFile: file(name), encoding: .utf8).split(separator: "\n")
            #expect(lines == ["Ada & co\t<b>hello</b> world"], "\(name)")
        }
    }
}
