import HTTPTypes
import HearthWeb
import Testing

// The code of docs/handlers.md, verbatim, so the examples cannot rot.
// Change both together.

// docs: guestbook
let guestbook = HandlerFunction { request in
    let form = try await request.form()
    guard let name = form["name"], !name.isEmpty else {
        throw HearthError.badRequest("the form has no name")  // 400; the reason goes to the log
    }
    let topics = form.values("topic")  // a repeated field, in order
    var response = HearthResponse.text("thanks, \(name): \(topics.joined(separator: ", "))\n")
    try response.setCookie(SetCookie(name: "visited", value: "1", maxAge: 86_400), for: request)
    return response
}

// docs: upload
let upload = HandlerFunction { request in
    var limits = FormLimits()
    limits.maxBodyBytes = 64 << 20  // this handler takes photos
    limits.maxFiles = 5
    let form = try await request.form(limits: limits)
    let lines = form.files("photo").map { file in
        "\(file.filename) \(file.contentType) \(file.size) bytes \(file.path == nil ? "in memory" : "on disk")"
    }
    return .text(lines.joined(separator: "\n"))
}

// docs: stream
let countdown = HandlerFunction { _ in
    HearthResponse(headerFields: [.contentType: "text/plain"], body: .stream { writer in
        for count in (1...3).reversed() {
            try await writer.write("\(count)\n")
        }
    })
}

// docs: phases
let wiki = PhasedHandler(guestbook)
    .access { request in
        request.method == .get || request.method == .post ? .ok : .status(.methodNotAllowed)
    }
    .authentication { request in
        guard request.cookies["session"] == "s3cret" else {
            throw HearthError.unauthorized(realm: "wiki")  // 401 with WWW-Authenticate
        }
        request.authenticate(user: "ada", type: "Cookie")  // REMOTE_USER, AUTH_TYPE
        return .ok
    }
    .authorization { request in
        request.remoteUser == "ada" ? .ok : .status(.forbidden)
    }
    .log { request, response in
        print("\(request.remoteUser ?? "-") \(request.method) \(request.target) \(response.status.code)")
    }
// docs: cookies
func signIn(_ request: HearthRequest, sessionID: String) throws -> HearthResponse {
    var response = HearthResponse.redirect(to: "/")
    try response.setCookie(SetCookie(name: "sid", value: sessionID))
    // sid=…; Path=/; HttpOnly; SameSite=Lax
    try response.setCookie(SetCookie(name: "theme", value: "dark", maxAge: 86_400, httpOnly: false), for: request)
    // theme=dark; Max-Age=86400; Path=/; SameSite=Lax, plus Secure over TLS (HTTPS=on)
    try response.setCookie(.removal(name: "old"))
    // old=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; HttpOnly; SameSite=Lax
    return response
}
// docs: end

@Suite("docs/handlers.md examples")
struct DocExampleTests {
    @Test func guestbookReadsTheFormAndSetsACookie() async throws {
        let request = makeRequest(contentType: "application/x-www-form-urlencoded", chunks: [Array("name=Ada&topic=a&topic=b".utf8)])
        let response = try await guestbook.handle(request)
        #expect(response.body.text == "thanks, Ada: a, b\n")
        #expect(response.headerFields[.setCookie] == "visited=1; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax")
        await #expect(throws: HearthError.badRequest("the form has no name")) { try await guestbook.handle(makeRequest(method: .get)) }
    }

    @Test func uploadListsTheFiles() async throws {
        let body = multipartBody(parts: [(["Content-Disposition: form-data; name=\"photo\"; filename=\"cat.png\"", "Content-Type: image/png"], "PNG")])
        let response = try await upload.handle(makeRequest(contentType: "multipart/form-data; boundary=XyZ", chunks: [body]))
        #expect(response.body.text == "cat.png image/png 3 bytes in memory")
    }

    @Test func signInSetsThreeCookies() throws {
        let response = try signIn(makeRequest(variables: [("HTTPS", "on")]), sessionID: "abc123")
        #expect(response.headerFields[values: .setCookie] == [
            "sid=abc123; Path=/; HttpOnly; SameSite=Lax",
            "theme=dark; Max-Age=86400; Path=/; Secure; SameSite=Lax",
            "old=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
        ])
    }

    @Test func countdownStreams() async throws {
        guard case .stream(let produce) = try await countdown.body else { Issue.record("not a stream"); return }
        let collected = Trace()
        try await produce(HearthBodyWriter { await collected.add(String(buffer: $0)) })
        #expect(await collected.events == ["3\n", "2\n", "1\n"])
    }

    @Test func wikiAuthenticatesThenRunsTheGuestbook() async throws {
        let signedIn = makeRequest(contentType: "application/x-www-form-urlencoded", chunks: [Array("name=Ada".utf8)], extraFields: [.cookie: "session=s3cret"])
        #expect(try await wiki.handle(signedIn).body.text == "thanks, Ada: \n")
        await #expect(throws: HearthError.unauthorized(realm: "wiki")) { try await wiki.handle(makeRequest(method: .get)) }
        let put = makeRequest(method: .put, extraFields: [.cookie: "session=s3cret"])
        #expect(try await wiki.handle(put).status == .methodNotAllowed)
    }
}

extension HearthHandler {
    /// Lets a test run a handler without the unused-result noise.
    var body: HearthResponse.Body { get async throws { try await handle(makeRequest(method: .get)).body } }
}
