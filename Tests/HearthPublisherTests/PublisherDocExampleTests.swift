import AddressBook
import Foundation
import Hearth
import HearthTesting
import Logging
import Testing

// The Swift of docs/publisher.md, verbatim (the first test checks it), so
// the examples cannot rot. Change both together.

func firstExample() throws -> Publisher {
    // docs: first
    struct Greeting: Decodable, Sendable {
        var name: String
        var times: Int?
    }

    struct Pair: Decodable, Sendable {
        var a: Int
        var b: Int
    }

    var hello = PublishedObject()
    try hello.publish("index") { "<html><body>Hello!</body></html>" }
    try hello.publish("say") { (greeting: Greeting) in
        String(repeating: "Hello, \(greeting.name)! ", count: greeting.times ?? 1)
    }
    try hello.publish("sum") { (pair: Pair) in ["sum": pair.a + pair.b] }

    var publisher = Publisher()
    try publisher.publish("hello", hello)

    var site = SiteBuilder()
    site.mount("/app", handler: publisher)
    // docs: end
    return publisher
}

// docs: arguments
struct NewContact: Decodable, Sendable {
    var name: String          // required: 400 if absent
    var email: String?        // optional
    var birthday: Date?       // ISO 8601
    var tags: [String]        // a repeated field: tags=a&tags=b
    var vip: Bool             // a checkbox: absent is false
    var photo: FileUpload?    // a multipart file part
}
// docs: end

struct Contact: Encodable, Sendable { var name: String }

actor ContactStore {
    func insert(_ new: NewContact) async throws -> Contact { Contact(name: new.name) }
}

func shapes(store: ContactStore, book: AddressBook) throws -> Publisher {
    var object = PublishedObject()
    // docs: shapes
    try object.publish("a") { "no arguments" }
    try object.publish("b") { (arguments: NewContact) in "arguments only" }
    try object.publish("c") { (request: HearthRequest) in "the request only: \(request.remoteAddress)" }
    try object.publish("d") { (arguments: NewContact, request: HearthRequest) in "both" }
    try object.publish("e") { (arguments: NewContact) async throws -> Contact in try await store.insert(arguments) }
    try object.publish("f", book.list)   // a method of your type, by reference
    // docs: end
    var publisher = Publisher()
    try publisher.publish("o", object)
    return publisher
}

actor Accounts {
    func check(user: String, password: String) -> Bool { user == "api" && password == "key" }
}

func protected(staffFile: String, logger: Logger, accounts: Accounts) throws -> (Publisher, BasicAuthenticator) {
    // docs: auth
    let editors = BasicAuthenticator(
        realm: "Editors",
        verifier: .users(["editor": HtpasswdHash("$2y$05$QFiZ.9miJLqn0S7be/FH/.kdsj52RaFBpbCZVMbeMR8iEiAsHYFF6")!]),
        access: .users(["editor"])  // optional: 403 for anyone else
    )
    let staff = BasicAuthenticator(realm: "Staff", verifier: .htpasswd(try HtpasswdFile(path: staffFile, logger: logger)))
    let anyone = BasicAuthenticator(realm: "API", verifier: PasswordVerifier { user, password in
        await accounts.check(user: user, password: password)  // compare in constant time
    })

    var reports = PublishedObject(auth: staff)  // every function: staff
    try reports.publish("index") { "reports" }
    try reports.publish("purge", methods: [.post], auth: editors) { "purged" }  // editors only
    // docs: end
    var publisher = Publisher(logger: logger)
    try publisher.publish("reports", reports)
    return (publisher, anyone)
}

@Suite("docs/publisher.md examples")
struct PublisherDocExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")

    /// A block's lines without indentation, blank lines or imports.
    static func significant(_ text: some StringProtocol) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("import ") }
    }

    @Test func everySwiftBlockOfThePageIsCompiledHere() throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/publisher.md"), encoding: .utf8)
        let blocks = page.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        try #require(blocks.count == 5)
        let sources = try [#filePath, Self.root.appendingPathComponent("Examples/AddressBook/AddressBook/AddressBook+Publishing.swift").path].map {
            Self.significant(try String(contentsOfFile: $0, encoding: .utf8))
        }
        for block in blocks {
            let lines = Self.significant(block)
            let found = sources.contains { source in
                source.indices.contains { start in source[start...].starts(with: lines) }
            }
            #expect(found, "not verbatim in the tests or the example:\n\(block)")
        }
    }

    @Test func theFirstExampleAnswers() async throws {
        let publisher = try firstExample()
        let say = try await publisher.handle(publisherRequest("/api/hello/say?name=Ada&times=2"))
        #expect(say.text == "Hello, Ada! Hello, Ada! " && say.contentType == "text/plain; charset=utf-8")
        let index = try await publisher.handle(publisherRequest("/api/hello/"))
        #expect(index.contentType == "text/html; charset=utf-8")
        let sum = try await publisher.handle(publisherRequest("/api/hello/sum?a=2&b=3"))
        #expect(sum.text == "{\"sum\":5}\n" && sum.contentType == "application/json")
        let missing = try await publisher.handle(publisherRequest("/api/hello/sum?a=2"))
        #expect(missing.status == .badRequest && missing.text.contains("field \"b\": is required"))
    }

    @Test func everyShapeAnswers() async throws {
        let publisher = try shapes(store: ContactStore(), book: AddressBook())
        var answers: [String] = []
        for name in ["a", "b", "c", "d", "e", "f"] {
            answers.append(try await publisher.handle(publisherRequest("/api/o/\(name)?name=Ada")).text)
        }
        #expect(answers[0...3] == ["no arguments", "arguments only", "the request only: 192.0.2.7", "both"])
        #expect(answers[4] == "{\"name\":\"Ada\"}\n")
        #expect(answers[5].hasPrefix("[{\"email\":\"ada@example.org\""))
    }

    @Test func theInnermostAuthenticationApplies() async throws {
        let files = try TemporaryDirectory()
        let staffFile = try files.write("staff", Array(try HtpasswdFixture.line("m", user: "sam", password: "staff-pw").utf8))
        let (publisher, anyone) = try protected(staffFile: staffFile, logger: LogCapture().logger(), accounts: Accounts())
        let sam = basic("sam", "staff-pw")
        #expect(try await publisher.handle(publisherRequest("/api/reports/", headers: sam)).text == "reports")
        #expect(try await publisher.handle(publisherRequest(.post, "/api/reports/purge", headers: sam)).status == .unauthorized)
        let editor = basic("editor", "address-book")
        #expect(try await publisher.handle(publisherRequest(.post, "/api/reports/purge", headers: editor)).text == "purged")
        #expect(try await publisher.handle(publisherRequest("/api/reports/", headers: editor)).status == .unauthorized)
        #expect(try await anyone.check(authorization: [basic("api", "key")[.authorization]!]) == .allowed(user: "api"))
        withExtendedLifetime(files) {}
    }
}
