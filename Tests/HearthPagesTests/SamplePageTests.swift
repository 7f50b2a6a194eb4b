import Foundation
import HearthTesting
import Testing

/// The sample `public/hello.mustache`, served as `swift run hearth` serves
/// it: the real executable, no arguments but the port, in the repository.
@Suite struct SamplePageTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func theSamplePageRendersTheRequestAndItsForm() async throws {
        let hearth = try await HearthProcess.start([], workingDirectory: Self.repository)
        let get = try await rawRequest("GET /hello?name=Ada%20%3CL%3E HTTP/1.1\r\nHost: t\r\nUser-Agent: sample-test\r\nConnection: close\r\n\r\n", port: hearth.port)
        let body = "name=Grace&topic=pages&topic=sessions"
        let post = try await rawRequest(
            "POST /hello HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)",
            port: hearth.port
        )
        let index = try await rawRequest("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: hearth.port)
        let source = try await rawRequest("GET /hello.mustache HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: hearth.port)
        #expect(try await hearth.terminate() == 0)

        #expect(get.status == 200 && get.header("Content-Type") == "text/html; charset=utf-8")
        #expect(get.text.contains("<h1>Hello, Ada &lt;L&gt;!</h1>"))
        #expect(get.text.contains("<td>name=Ada%20%3CL%3E</td>"))
        #expect(get.text.contains("<td>sample-test</td>"))
        #expect(get.text.contains("<td>127.0.0.1</td>"))
        #expect(get.text.contains("Rendered by Hearth/0.1"), "the footer partial")
        #expect(post.text.contains("<h1>Hello, Grace!</h1>"))
        #expect(post.text.contains("<p>You ticked: pages</p>") && post.text.contains("<p>You ticked: sessions</p>"))
        #expect(index.text.contains("href=\"/hello?name=Ada\""))
        #expect(source.status == 404)
    }
}
