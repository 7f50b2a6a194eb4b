import Foundation
import HTTPTypes
import HearthTesting
import HearthWeb
import Testing

@testable import HearthPublisher

/// Form fields to a Decodable arguments type: property names are field
/// names, property types the conversions (docs/publisher.md "Arguments").
@Suite struct ArgumentBindingTests {
    struct Everything: Decodable, Sendable {
        var text: String
        var count: Int
        var ratio: Double
        var flag: Bool
        var day: Date
        var note: String?
        var limit: Int?
        var maybe: Bool?
        var when: Date?
        var tags: [String]
        var numbers: [Int]
        var small: UInt8?

        var summary: String {
            let parts: [String] = [
                text, "\(count)", "\(ratio)", "\(flag)", "\(day.timeIntervalSince1970)", note ?? "nil", limit.map { "\($0)" } ?? "nil",
                maybe.map { "\($0)" } ?? "nil", when.map { "\($0.timeIntervalSince1970)" } ?? "nil", "\(tags)", "\(numbers)",
                small.map { "\($0)" } ?? "nil",
            ]
            return parts.joined(separator: "|")
        }
    }

    static let log = LogCapture()

    static func everything() throws -> Publisher {
        try publisher(logger: log.logger()) {
            try $0.publish("f", methods: [.get, .post]) { (arguments: Everything) in arguments.summary }
        }
    }

    static let complete = "text=a+b%26c&count=-42&ratio=2.5&flag=on&day=2024-05-01"

    @Test func everyTypeBindsFromTheQueryString() async throws {
        let response = try await Self.everything().handle(publisherRequest("/api/o/f?\(Self.complete)&note=n&limit=7&maybe=no&when=2024-05-01T13:45:30Z&tags=x&tags=y&numbers=1&numbers=2&small=255"))
        #expect(response.status == .ok)
        #expect(response.text == "a b&c|-42|2.5|true|1714521600.0|n|7|false|1714571130.0|[\"x\", \"y\"]|[1, 2]|255")
    }

    @Test func theBodyBindsToo_urlencodedAfterTheQuery() async throws {
        let response = try await Self.everything().handle(post("/api/o/f?text=from+query", "count=1&ratio=0&flag=0&day=1970-01-01&text=from+body"))
        #expect(response.text == "from query|1|0.0|false|0.0|nil|nil|nil|nil|[]|[]|nil", "the first value wins, and the query comes first")
    }

    @Test func unknownFieldsAreIgnoredAndAbsentOptionalsAreNil() async throws {
        let response = try await Self.everything().handle(publisherRequest("/api/o/f?\(Self.complete)&__class__=x&other=1"))
        #expect(response.text == "a b&c|-42|2.5|true|1714521600.0|nil|nil|nil|nil|[]|[]|nil")
    }

    @Test func anEmptyValueOfANonTextFieldIsAbsent() async throws {
        let response = try await Self.everything().handle(publisherRequest("/api/o/f?\(Self.complete)&note=&limit=&maybe=&when=&tags=&tags=t&numbers=&numbers=3"))
        #expect(response.text == "a b&c|-42|2.5|true|1714521600.0||nil|nil|nil|[\"\", \"t\"]|[3]|nil")
    }

    @Test("booleans: true/false, on/off, yes/no, 1/0 in any case; absent is false", arguments: [
        ("flag=true", "true"), ("flag=TRUE", "true"), ("flag=on", "true"), ("flag=Yes", "true"), ("flag=1", "true"),
        ("flag=false", "false"), ("flag=Off", "false"), ("flag=NO", "false"), ("flag=0", "false"), ("", "false"), ("flag=", "false"),
    ])
    func booleanSpellings(field: String, value: String) async throws {
        let flags = try publisher { try $0.publish("f") { (arguments: Flag) in "\(arguments.flag)" } }
        let response = try await flags.handle(publisherRequest("/api/o/f?\(field)"))
        #expect(response.status == .ok && response.text == value)
    }

    struct Flag: Decodable, Sendable { var flag: Bool }

    @Test("a missing or malformed field is a 400 naming the field, never its value", arguments: [
        ("count=1&ratio=1&day=2024-01-01", "text", "is required"),
        ("text=t&ratio=1&day=2024-01-01", "count", "is required"),
        ("text=t&count=&ratio=1&day=2024-01-01", "count", "is required"),
        ("text=t&count=%3Cscript%3Ealert(1)%3C/script%3E&ratio=1&day=2024-01-01", "count", "must be an integer"),
        ("text=t&count=1.5&ratio=1&day=2024-01-01", "count", "must be an integer"),
        ("text=t&count=99999999999999999999&ratio=1&day=2024-01-01", "count", "must be an integer"),
        ("text=t&count=1&ratio=nan&day=2024-01-01", "ratio", "must be a number"),
        ("text=t&count=1&ratio=1e999&day=2024-01-01", "ratio", "must be a number"),
        ("text=t&count=1&ratio=1&flag=maybe%3Cb%3E&day=2024-01-01", "flag", "must be true or false (true/false, on/off, yes/no, 1/0)"),
        ("text=t&count=1&ratio=1&day=2024-02-30", "day", FieldValue.dateProblem),
        ("text=t&count=1&ratio=1&day=yesterday", "day", FieldValue.dateProblem),
        ("text=t&count=1&ratio=1&day=2024-01-01&small=256", "small", "must be a whole number, 0 or more"),
        ("text=t&count=1&ratio=1&day=2024-01-01&small=-1", "small", "must be a whole number, 0 or more"),
        ("text=t&count=1&ratio=1&day=2024-01-01&numbers=1&numbers=x", "numbers", "must be an integer"),
    ])
    func badFieldsAreNamed(query: String, field: String, problem: String) async throws {
        let log = LogCapture()
        let bound = try publisher(logger: log.logger()) {
            try $0.publish("f") { (arguments: Everything) in arguments.summary }
        }
        let response = try await bound.handle(publisherRequest("/api/o/f?\(query)"))
        #expect(response.status == .badRequest)
        #expect(response.text == "400 Bad Request\nfield \"\(field)\": \(problem)\n")
        let line = try #require(log.records.first)
        #expect(line.level == .notice && line.message == "argument \"\(field)\" \(problem)")
        #expect(line.metadata["status"] == "400" && line.metadata["remote"] == "192.0.2.7")
        for echoed in ["script", "maybe<b>", "yesterday", "99999999999999999999"] {
            #expect(!response.text.contains(echoed) && !line.message.contains(echoed))
        }
    }

    enum Sort: String, Decodable, Sendable { case name, date }

    struct Sorted: Decodable, Sendable {
        var sort: Sort
        var then: [Sort]
    }

    @Test func stringEnumsBindByRawValue() async throws {
        let sorted = try publisher { try $0.publish("f") { (arguments: Sorted) in "\(arguments.sort) \(arguments.then)" } }
        let good = try await sorted.handle(publisherRequest("/api/o/f?sort=date&then=name&then=date"))
        #expect(good.text == "date [HearthPublisherTests.ArgumentBindingTests.Sort.name, HearthPublisherTests.ArgumentBindingTests.Sort.date]")
        let bad = try await sorted.handle(publisherRequest("/api/o/f?sort=%22evil%22"))
        #expect(bad.status == .badRequest && bad.text == "400 Bad Request\nfield \"sort\": is not an accepted value\n")
    }

    struct Address: Decodable, Sendable { var street: String }
    struct Nested: Decodable, Sendable {
        var name: String
        var address: Address
    }

    struct Mapped: Decodable, Sendable { var map: [String: String] }

    @Test func nestedTypesAreRefusedAsAProgrammingErrorNamingTheField() async throws {
        let log = LogCapture()
        var object = PublishedObject()
        try object.publish("nested") { (arguments: Nested) in arguments.address.street }
        try object.publish("map") { (arguments: Mapped) in "\(arguments.map)" }
        var nested = Publisher(logger: log.logger())
        try nested.publish("o", object)
        let struct_ = try await nested.handle(publisherRequest("/api/o/nested?name=n&address=x"))
        let map = try await nested.handle(publisherRequest("/api/o/map?map=x"))
        #expect(struct_.status == .internalServerError && struct_.text == "500 Internal Server Error\n")
        #expect(map.status == .internalServerError)
        let errors = log.records.filter { $0.level == .error }.map { $0.metadata["error"] ?? "" }
        #expect(errors.count == 2)
        #expect(errors.first?.hasPrefix("arguments type: field \"address\": a nested type") == true)
        #expect(errors.last?.contains("field \"map\"") == true)
    }

    @Test func aFunctionWithoutArgumentsLeavesTheBodyUnread() async throws {
        let chunks = BodyChunks([Array("a=1".utf8)])
        let none = try publisher { try $0.publish("f", methods: [.post]) { "no arguments" } }
        let response = try await none.handle(publisherRequest(.post, "/api/o/f", contentType: "application/x-www-form-urlencoded", chunks: chunks))
        #expect(response.text == "no arguments")
        #expect(await chunks.reads == 0)
    }

    @Test func aFormTooLargeIsRefusedByItsLimit() async throws {
        var limits = FormLimits()
        limits.maxFields = 2
        var object = PublishedObject()
        try object.publish("f") { (arguments: Flag) in "\(arguments.flag)" }
        var limited = Publisher(formLimits: limits, logger: TestLog.logger())
        try limited.publish("o", object)
        let response = try await limited.handle(publisherRequest("/api/o/f?a=1&b=2&flag=1"))
        #expect(response.status == .contentTooLarge)
    }
}

/// The dates a form sends (`<input type=date>`, `datetime-local`, RFC 3339).
@Suite struct DateArgumentTests {
    @Test("accepted spellings", arguments: [
        ("2024-05-01", 1_714_521_600.0), ("1970-01-01", 0), ("2000-02-29", 951_782_400), ("1969-12-31", -86_400),
        ("2024-05-01T13:45", 1_714_571_100), ("2024-05-01t13:45:30z", 1_714_571_130), ("2024-05-01 13:45:30", 1_714_571_130),
        ("2024-05-01T13:45:30.25Z", 1_714_571_130.25), ("2024-05-01T15:45:30+02:00", 1_714_571_130),
        ("2024-05-01T08:45:30-0500", 1_714_571_130),
    ])
    func parses(text: String, seconds: Double) throws {
        let date = try #require(ISO8601Date.parse(text[...]))
        #expect(date.timeIntervalSince1970 == seconds)
    }

    @Test("refused spellings", arguments: [
        "", "2024", "2024-5-1", "2024-00-10", "2024-13-01", "2023-02-29", "2024-04-31", "24-05-01", "2024-05-01T", "2024-05-01T24:00",
        "2024-05-01T12:60", "2024-05-01T12:00:60", "2024-05-01T12:00:00.", "2024-05-01T12:00Zjunk", "2024-05-01T12:00+1", "2024/05/01",
        "2024-05-01T12:00+25:00", "１９７０-01-01",
    ])
    func refuses(text: String) {
        #expect(ISO8601Date.parse(text[...]) == nil)
    }
}
