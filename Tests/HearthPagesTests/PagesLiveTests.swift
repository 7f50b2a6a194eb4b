import Foundation
import Hearth
import HearthTesting
import Testing

/// Pages on the real server: a URL renders its template with the request
/// in scope; HEAD, conditional and range requests get a dynamic page;
/// directory indexes; methods.
@Suite struct PagesLiveTests {
    static let hello = "Hello {{form.name}}{{^form.name}}stranger{{/form.name}} by {{request.method}} [{{request.SCRIPT_NAME}}|{{request.PATH_INFO}}|{{request.query}}]"

    @Test func aTemplateRendersAtItsURLWithoutTheExtension() async throws {
        let site = try await PageSite.start(files: ["hello.mustache": Self.hello, "docs/feed.xml.mustache": "<feed>{{request.method}}</feed>"])
        let hello = try await site.request("GET", "/hello?name=%3Cb%3E")
        let feed = try await site.request("GET", "/docs/feed.xml")
        try await site.stop()
        #expect(hello.status == 200)
        #expect(hello.text == "Hello &lt;b&gt; by GET [|/hello|name=%3Cb%3E]")
        #expect(hello.header("Content-Type") == "text/html; charset=utf-8")
        #expect(hello.header("Cache-Control") == "no-cache")
        #expect(hello.header("ETag") == nil && hello.header("Last-Modified") == nil, "a page is dynamic: no validators from the template file")
        #expect(feed.text == "<feed>GET</feed>" && feed.header("Content-Type") == "application/xml")
    }

    @Test func aPagesMountBelowTheRootHasItsURLAsScriptName() async throws {
        let site = try await PageSite.start(files: ["hello.mustache": Self.hello, "index.mustache": "index {{request.SCRIPT_NAME}}"]) { configuration in
            configuration.staticMounts.append(StaticFilesConfiguration(urlPath: "/app", root: configuration.staticMounts[0].root, pages: true))
        }
        let hello = try await site.request("GET", "/app/hello?name=Ada")
        let index = try await site.request("GET", "/app/")
        let bare = try await site.request("GET", "/app")
        try await site.stop()
        #expect(hello.text == "Hello Ada by GET [/app|/hello|name=Ada]")
        #expect(index.text == "index /app")
        #expect(bare.status == 301 && bare.header("Location") == "/app/")
    }

    @Test func aPostedFormIsInScope() async throws {
        let site = try await PageSite.start(files: ["hello.mustache": Self.hello])
        let response = try await site.request(
            "POST", "/hello", ["Content-Type: application/x-www-form-urlencoded"], body: "name=Ada+Lovelace"
        )
        try await site.stop()
        #expect(response.status == 200)
        #expect(response.text == "Hello Ada Lovelace by POST [|/hello|]")
    }

    @Test func headGetsTheHeadOfGetAndNoBody() async throws {
        let site = try await PageSite.start(files: ["same.mustache": "Hello {{form.name}} at {{request.path}}"])
        let get = try await site.request("GET", "/same?name=Ada")
        let head = try await site.request("HEAD", "/same?name=Ada")
        try await site.stop()
        #expect(get.text == "Hello Ada at /same")
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.header("Content-Length") == String(get.body.count))
        #expect(head.header("Content-Type") == get.header("Content-Type"))
        #expect(head.header("Cache-Control") == "no-cache")
    }

    @Test(arguments: [
        "If-None-Match: *",
        "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT",
        "Range: bytes=0-3",
        "If-Range: *",
    ])
    func conditionalAndRangeRequestsGetTheWholePage(field: String) async throws {
        let site = try await PageSite.start(files: ["hello.mustache": Self.hello])
        let response = try await site.request("GET", "/hello", [field])
        try await site.stop()
        #expect(response.status == 200)
        #expect(response.text == "Hello stranger by GET [|/hello|]")
        #expect(response.header("Content-Range") == nil && response.header("Accept-Ranges") == nil)
    }

    @Test func aTemplateMaySayHowItIsCached() async throws {
        let site = try await PageSite.start(files: ["about.mustache": "{{! Cache-Control: public, max-age=600 }}\nAbout"])
        let response = try await site.request("GET", "/about")
        try await site.stop()
        #expect(response.header("Cache-Control") == "public, max-age=600")
        #expect(response.text == "About")
    }

    @Test func directoriesUseIndexHtmlFirstThenIndexMustache() async throws {
        let site = try await PageSite.start(files: [
            "index.mustache": "page index", "sub/index.mustache": "sub page {{request.PATH_INFO}}",
            "both/index.mustache": "page", "both/index.html": "static index",
        ])
        let root = try await site.request("GET", "/")
        let sub = try await site.request("GET", "/sub/")
        let subNoSlash = try await site.request("GET", "/sub")
        let both = try await site.request("GET", "/both/")
        let named = try await site.request("GET", "/sub/index")
        try await site.stop()
        #expect(root.text == "page index")
        #expect(sub.text == "sub page /sub/")
        #expect(subNoSlash.status == 301 && subNoSlash.header("Location") == "/sub/")
        #expect(both.text == "static index")
        #expect(named.text == "sub page /sub/index")
    }

    @Test func staticFilesBesidePagesAreStillServed() async throws {
        let site = try await PageSite.start(files: ["hello.mustache": "page", "style.css": "p{}", "hello.txt": "text"])
        let css = try await site.request("GET", "/style.css")
        let text = try await site.request("GET", "/hello.txt")
        let post = try await site.request("POST", "/style.css", body: "")
        try await site.stop()
        #expect(css.text == "p{}" && css.header("ETag") != nil)
        #expect(text.text == "text")
        #expect(post.status == 405 && post.header("Allow") == "GET, HEAD")
    }

    @Test(arguments: ["PUT", "DELETE", "PATCH"])
    func otherMethodsAreNotAllowedOnAPage(method: String) async throws {
        let site = try await PageSite.start(files: ["hello.mustache": Self.hello])
        let response = try await site.request(method, "/hello", body: "x")
        try await site.stop()
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD, POST")
    }

    @Test func aMissingPageIsNotFound() async throws {
        let site = try await PageSite.start(files: ["hello.mustache": Self.hello])
        #expect(try await site.request("GET", "/nothing").status == 404)
        #expect(try await site.request("GET", "/_partials/").status == 404)
        try await site.stop()
    }

    @Test func pagesOffRendersNothingAndShowsNoSource() async throws {
        let site = try await PageSite.start(files: ["hello.mustache": "SOURCE {{x}}"]) { $0.staticMounts[0].pages = false }
        let page = try await site.request("GET", "/hello")
        let source = try await site.request("GET", "/hello.mustache")
        try await site.stop()
        #expect(page.status == 404 && source.status == 404)
        #expect(!page.text.contains("SOURCE") && !source.text.contains("SOURCE"))
    }
}
