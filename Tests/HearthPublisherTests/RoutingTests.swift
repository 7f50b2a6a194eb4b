import HTTPTypes
import HearthWeb
import HearthTesting
import Testing

@testable import HearthPublisher

/// URLs to functions: `/MOUNT/object/function`, `index` at an object's
/// root, the `index` object at the mount's root, nothing else.
@Suite struct RoutingTests {
    static func sample() throws -> Publisher {
        var root = PublishedObject()
        try root.publish("index") { "root index" }
        var book = PublishedObject()
        try book.publish("index") { "book index" }
        try book.publish("list") { "book list" }
        try book.publish("with-dash_and_1") { "dashed" }
        var publisher = Publisher(logger: TestLog.logger())
        try publisher.publish("index", root)
        try publisher.publish("book", book)
        return publisher
    }

    @Test("each path answers with the function it names", arguments: [
        ("/api", "root index"), ("/api/", "root index"), ("/api/index", "root index"), ("/api/index/", "root index"),
        ("/api/index/index", "root index"), ("/api/book", "book index"), ("/api/book/", "book index"),
        ("/api/book/index", "book index"), ("/api/book/list", "book list"), ("/api/book/list?x=1", "book list"),
        ("/api/book/with-dash_and_1", "dashed"),
    ])
    func mapsPathsToFunctions(path: String, answer: String) async throws {
        let response = try await Self.sample().handle(publisherRequest(path))
        #expect(response.status == .ok)
        #expect(response.text == answer)
    }

    @Test("anything else is 404", arguments: [
        "/api/nothing", "/api/nothing/", "/api/book/missing", "/api/book/list/", "/api/book/list/extra",
        "/api/book/list/index", "/api//list", "/api/book//list", "/api//", "/api/book//",
    ])
    func unknownPathsAreNotFound(path: String) async throws {
        let response = try await Self.sample().handle(publisherRequest(path))
        #expect(response.status == .notFound)
        #expect(response.text == "404 Not Found\n")
    }

    @Test func theMountRootIsNotFoundWithoutAnIndexObject() async throws {
        let only = try publisher(object: "book") { try $0.publish("list") { "list" } }
        #expect(try await only.handle(publisherRequest("/api/")).status == .notFound)
        #expect(try await only.handle(publisherRequest("/api")).status == .notFound)
        #expect(try await only.handle(publisherRequest("/api/book/")).status == .notFound, "no index published on book")
    }

    @Test func pathInfoSplitsIntoAtMostTwoNames() {
        let cases: [(String, (String, String)?)] = [
            ("", ("index", "index")), ("/", ("index", "index")), ("/o", ("o", "index")), ("/o/", ("o", "index")),
            ("/o/f", ("o", "f")), ("/o/f/", nil), ("/o/f/g", nil), ("//f", nil), ("o/f", nil), ("//", nil),
        ]
        for (pathInfo, expected) in cases {
            let names = Publisher.names(in: pathInfo[...]).map { (String($0.object), String($0.function)) }
            #expect(names?.0 == expected?.0 && names?.1 == expected?.1, "\(pathInfo)")
        }
    }

    @Test func encodedSlashesAreFoundInEitherCase() {
        #expect(Publisher.hasEncodedSlash("/api/book%2Flist"))
        #expect(Publisher.hasEncodedSlash("/api/book%2flist"))
        #expect(!Publisher.hasEncodedSlash("/api/book%252Flist"))
        #expect(!Publisher.hasEncodedSlash("/api/book/list%"))
    }
}

/// Names are checked when they are registered: a mistake is a thrown
/// `PublisherError` at start-up, not a function silently unreachable.
@Suite struct RegistrationTests {
    @Test("names outside [A-Za-z0-9_-], empty, or starting with _ are refused", arguments: [
        "", "_private", "__init__", "__class__", "obj.__dict__", "..", ".", "a.b", "a/b", "a b", "trailing.", "trailing ",
        "caf\u{E9}", "\u{212A}elvin", "nul\u{0}", "semi;colon", "%2e",
    ])
    func refusesUnpublishableNames(name: String) {
        var object = PublishedObject()
        #expect(throws: PublisherError.self) { try object.publish(name) { "never" } }
        var publisher = Publisher(logger: TestLog.logger())
        #expect(throws: PublisherError.self) { try publisher.publish(name, PublishedObject()) }
    }

    @Test func theErrorSaysWhy() {
        var object = PublishedObject()
        #expect(throws: PublisherError.invalidName("_secret", reason: "names beginning with _ are never published")) {
            try object.publish("_secret") { "never" }
        }
        #expect(throws: PublisherError.invalidName("a.b", reason: "a name is made of A-Z, a-z, 0-9, _ and - only")) {
            try object.publish("a.b") { "never" }
        }
    }

    @Test func aNamePublishedTwiceIsRefused() throws {
        var object = PublishedObject()
        try object.publish("list") { "one" }
        #expect(throws: PublisherError.duplicateName("list")) { try object.publish("list") { "two" } }
        var publisher = Publisher(logger: TestLog.logger())
        try publisher.publish("book", object)
        #expect(throws: PublisherError.duplicateName("book")) { try publisher.publish("book", object) }
    }

    @Test func namesWithLettersDigitsDashesAndInnerUnderscoresAreFine() throws {
        var object = PublishedObject()
        for name in ["a", "Z9", "with-dash", "snake_case", "trailing_", "-lead", "0"] {
            try object.publish(name) { name }
        }
    }
}
