import Foundation
import Hearth
import HearthTesting
import Logging
import Testing

// The code of docs/sessions.md, verbatim (a test below checks every Swift
// block of the page appears here), so the examples cannot rot.

let currentKey = "Y3VycmVudC1rZXktb2YtMzItYnl0ZXMtZm9yLXRlc3Q="
let previousKey = "cHJldmlvdXMta2V5LW9mLTMyLWJ5dGVzLWZvci10ZXN0"
let logger = TestLog.logger("docs")

func makePreferences() throws -> HandlerFunction {
    // docs: signed
    let signer = try CookieSigner(base64Keys: [currentKey, previousKey])

    let preferences = HandlerFunction { request in
        let theme = request.signedCookie("theme", signer: signer, logger: logger) ?? "light"
        var response = HearthResponse.text("theme \(theme)\n")
        if let wanted = try await request.form()["theme"] {
            try response.setSignedCookie(SetCookie(name: "theme", value: wanted, maxAge: 86_400), signer: signer, for: request)
        }
        return response
    }
    return preferences
}

// docs: shop
struct Cart: Codable {
    var items: [String] = []
}

let shop = HandlerFunction { request in
    let session = try request.session
    var cart = try session.value("cart", as: Cart.self) ?? Cart()
    if let item = try await request.form()["add"] {
        cart.items.append(item)
        try session.set("cart", to: cart)
    }
    if request.pathInfo == "/login" {
        try session.set("user", to: "ada")
        session.regenerateID()  // a new id at every change of rights
    }
    if request.pathInfo == "/logout" {
        session.invalidate()
    }
    return .text("\(cart.items.count) items\n")
}

func mountShop(_ configuration: HearthConfiguration) -> SiteBuilder {
    // docs: mount
    var site = SiteBuilder(configuration: configuration)
    site.mount("/shop", handler: shop, sessions: true)  // SessionHandler with the site's sessions
    return site
}

/// Compiled, never run: it would serve.
func warmShop() async throws {
    // docs: warm
    let sessions = Sessions(configuration: SessionConfiguration(store: .sqlite(path: "/var/lib/hearth/sessions.sqlite")))
    try await HearthApp.run(SessionHandler(shop, sessions: sessions))
}

@Suite("docs/sessions.md examples")
struct SessionDocExampleTests {
    @Test func everySwiftBlockOfThePageIsHere() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/sessions.md"), encoding: .utf8)
        let blocks = page.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        try #require(blocks.count == 4)
        let unindented = { (text: String) in text.split(separator: "\n").map { $0.drop { $0 == " " } }.joined(separator: "\n") }
        let source = unindented(try String(contentsOfFile: #filePath, encoding: .utf8))
        for block in blocks {
            #expect(source.contains(unindented(block)), "not in the test file:\n\(block)")
        }
    }

    @Test func preferencesRoundTripASignedTheme() async throws {
        let preferences = try makePreferences()
        let set = try await preferences.handle(makeRequest(query: "theme=dark"))
        let field = try #require(set.setCookies.first)
        let value = try #require(cookieValue(field, name: "theme"))
        #expect(try await preferences.handle(makeRequest(cookie: "theme=\(value)")).text == "theme dark\n")
        #expect(try await preferences.handle(makeRequest(cookie: "theme=ZGFyaw")).text == "theme light\n", "unsigned: absent")
    }

    @Test func theShopKeepsACartAcrossLogIn() async throws {
        var configuration = HearthConfiguration()
        configuration.cgiMounts = []
        configuration.staticMounts = []
        let site = try await LiveServer.start(responder: try mountShop(configuration).build(logger: logger))
        let added = try await rawRequest("GET /shop/?add=book HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: site.port)
        let id = try #require(added.header("Set-Cookie").flatMap { cookieValue($0, name: "hearth_session") })
        let login = try await rawRequest("GET /shop/login HTTP/1.1\r\nHost: t\r\nCookie: hearth_session=\(id)\r\nConnection: close\r\n\r\n", port: site.port)
        let newID = try #require(login.header("Set-Cookie").flatMap { cookieValue($0, name: "hearth_session") })
        let logout = try await rawRequest("GET /shop/logout HTTP/1.1\r\nHost: t\r\nCookie: hearth_session=\(newID)\r\nConnection: close\r\n\r\n", port: site.port)
        try await site.stop()
        #expect(added.text == "1 items\n")
        #expect(login.text == "1 items\n" && newID != id)
        #expect(logout.text == "1 items\n")
        #expect(logout.header("Set-Cookie")?.contains("Max-Age=0") == true)
    }
}
