import HTTPTypes
import HearthPages
import HearthWeb
import NIOCore
import Testing

/// Rendering through the pages API, without a server: escaping, the
/// standard scope, partials, compiling once and again on change.
@Suite struct RenderTests {
    @Test func doubleMustachesEscapeAndTripleOnesDoNot() throws {
        let root = try PageRoot()
        try root.write("t.mustache", "{{text}}|{{{text}}}|{{&text}}")
        let rendered = try root.render("t.mustache", ["text": "<b title=\"x\">&'</b>"])
        #expect(rendered == "&lt;b title=&quot;x&quot;&gt;&amp;&#39;&lt;/b&gt;|<b title=\"x\">&'</b>|<b title=\"x\">&'</b>")
    }

    @Test func theRequestIsInScopeUnderItsNamesAndTheMetaVariables() async throws {
        let root = try PageRoot()
        try root.write("r.mustache", """
            {{request.method}} {{request.path}} [{{request.query}}] {{request.target}}
            {{request.headers.user-agent}} {{request.headers.x-many}} {{request.headers.cookie}}
            {{request.REMOTE_ADDR}} {{request.PATH_INFO}}
            {{#request.header_list}}{{name}}={{value}};{{/request.header_list}}
            {{#request.variables}}{{name}}={{value}};{{/request.variables}}
            auth:{{request.headers.authorization}}
            """)
        var fields: HTTPFields = [.userAgent: "probe/1", .authorization: "Basic c2VjcmV0OnNlY3JldA=="]
        fields.append(HTTPField(name: HTTPField.Name("X-Many")!, value: "a"))
        fields.append(HTTPField(name: HTTPField.Name("X-Many")!, value: "b"))
        fields.append(HTTPField(name: .cookie, value: "c=1"))
        fields.append(HTTPField(name: .cookie, value: "d=2"))
        let request = pageRequest(.get, "/r%20x?a=1&b=%3C", fields: fields, variables: [("REMOTE_ADDR", "192.0.2.7"), ("PATH_INFO", "/r x")])
        let response = try await root.pages.response("r.mustache", for: request)
        let lines = try #require(text(of: response)).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "GET /r%20x [a=1&amp;b=%3C] /r%20x?a=1&amp;b=%3C")
        #expect(lines[1] == "probe/1 a, b c=1; d=2")
        #expect(lines[2] == "192.0.2.7 /r x")
        #expect(lines[3] == "User-Agent=probe/1;X-Many=a;X-Many=b;Cookie=c=1;Cookie=d=2;")
        #expect(lines[4] == "REMOTE_ADDR=192.0.2.7;PATH_INFO=/r x;")
        #expect(lines[5] == "auth:", "credentials stay out of a page")
        #expect(!(text(of: response) ?? "").contains("c2VjcmV0"))
    }

    @Test func formFieldsShowTheFirstValueAndIterateEveryValue() async throws {
        let root = try PageRoot()
        try root.write("f.mustache", """
            {{form.name}}|{{#form.topic}}<{{.}}>{{/form.topic}}|{{count(form.topic)}}|{{^form.absent}}none{{/form.absent}}|{{#form.empty}}[{{.}}]{{/form.empty}}
            """)
        let request = pageRequest(
            .post, "/f?topic=q", fields: [.contentType: "application/x-www-form-urlencoded"],
            body: "name=Ada+%3CL%3E&name=second&topic=a&topic=b&empty="
        )
        let response = try await root.pages.response("f.mustache", for: request)
        #expect(text(of: response) == "Ada &lt;L&gt;|<q><a><b>|3|none|[]")
    }

    @Test func cookiesAreInScopeTheFirstOfANameWinning() async throws {
        let root = try PageRoot()
        try root.write("c.mustache", "{{cookies.theme}} {{cookies.lang}} [{{cookies.none}}]")
        let request = pageRequest(.get, "/c", fields: [.cookie: "theme=dark; lang=en; theme=light"])
        #expect(text(of: try await root.pages.response("c.mustache", for: request)) == "dark en []")
    }

    @Test func handlersAddValuesAndProvidersAddTheirsUnderThem() async throws {
        let root = try PageRoot()
        try root.write("s.mustache", "{{user}} {{greeting}} {{request.method}}")
        root.pages.addScope { request in ["user": request.remoteUser ?? "guest", "greeting": "hello"] }
        let request = pageRequest(.get, "/s", variables: [("REMOTE_USER", "ada")])
        #expect(text(of: try await root.pages.response("s.mustache", for: request)) == "ada hello GET")
        let overridden = try await root.pages.response("s.mustache", for: request, scope: ["greeting": "bonjour"])
        #expect(text(of: overridden) == "ada bonjour GET")
    }

    @Test func aResponseIsHTMLUncachedUnlessItsNameOrTheTemplateSaysOtherwise() async throws {
        let root = try PageRoot()
        try root.write("page.mustache", "<p>")
        try root.write("feed.xml.mustache", "{{! Cache-Control: max-age=300 }}\n<feed/>")
        let page = try await root.pages.response("page.mustache", for: pageRequest(.get, "/page"))
        let feed = try await root.pages.response("feed.xml.mustache", for: pageRequest(.get, "/feed.xml"), status: .created)
        #expect(page.headerFields[.contentType] == "text/html; charset=utf-8")
        #expect(page.headerFields[.cacheControl] == "no-cache")
        #expect(page.headerFields[.eTag] == nil && page.headerFields[.lastModified] == nil)
        #expect(feed.headerFields[.contentType] == "application/xml")
        #expect(feed.headerFields[.cacheControl] == "max-age=300")
        #expect(feed.status == .created && text(of: feed) == "<feed/>")
    }

    @Test(arguments: ["../t.mustache", "/etc/t.mustache", "a/./t.mustache", ".hidden.mustache", "t", "t.html", "t.MUSTACHE", "sub//t.mustache"])
    func aTemplateNameIsAPathBelowTheRoot(name: String) throws {
        let root = try PageRoot()
        try root.write("t.mustache", "T")
        try root.write("sub/t.mustache", "T")
        #expect(throws: HearthError.self) { try root.render(name) }
    }

    @Test func aMissingTemplateIsNotFound() throws {
        let root = try PageRoot()
        let error = try #require(throws: HearthError.self) { try root.render("absent.mustache") }
        #expect(error.status == .notFound)
    }
}

func text(of response: HearthResponse) -> String? {
    guard case .bytes(let buffer) = response.body else { return nil }
    return String(buffer: buffer)
}
