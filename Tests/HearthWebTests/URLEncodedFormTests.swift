import HTTPTypes
import HearthWeb
import Testing

struct URLEncodedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let body: String
    let fields: [String]
    var testDescription: String { name }
}

let urlEncodedCases: [URLEncodedCase] = [
    .init(name: "RFC 1866 §8.2.1: name=value pairs joined by &", body: "a=1&b=2", fields: ["a=1", "b=2"]),
    .init(name: "+ is a space", body: "q=hello+world", fields: ["q=hello world"]),
    .init(name: "%XX is a byte; %2B is a literal +", body: "q=a%2Bb%20c", fields: ["q=a+b c"]),
    .init(name: "UTF-8 names and values", body: "caf%C3%A9=%E2%82%AC", fields: ["caf\u{e9}=\u{20ac}"]),
    .init(name: "repeated fields keep their order", body: "t=1&u=x&t=2&t=3", fields: ["t=1", "u=x", "t=2", "t=3"]),
    .init(name: "an empty value", body: "a=&b=2", fields: ["a=", "b=2"]),
    .init(name: "a name without = has an empty value", body: "flag&b=2", fields: ["flag=", "b=2"]),
    .init(name: "WHATWG: empty pieces are skipped", body: "&&a=1&&", fields: ["a=1"]),
    .init(name: "only the first = splits", body: "eq=a=b", fields: ["eq=a=b"]),
    .init(name: "an empty body is an empty form", body: "", fields: []),
]

@Suite("Forms: urlencoded")
struct URLEncodedFormTests {
    @Test(arguments: urlEncodedCases)
    func body(_ example: URLEncodedCase) async throws {
        let request = makeRequest(contentType: "application/x-www-form-urlencoded", chunks: [Array(example.body.utf8)])
        #expect(try FormSummary(await request.form()) == FormSummary(fields: example.fields))
    }

    @Test func getReadsTheQueryStringAndNeverTheBody() async throws {
        let request = makeRequest(method: .get, target: "/s?q=a+b&n=1", contentType: "application/x-www-form-urlencoded", chunks: [Array("x=1".utf8)])
        #expect(try FormSummary(await request.form()) == FormSummary(fields: ["q=a b", "n=1"]))
    }

    @Test func postReadsTheQueryStringThenTheBodyLikeModPython() async throws {
        let request = makeRequest(target: "/s?a=1", contentType: "application/x-www-form-urlencoded; charset=UTF-8", chunks: [Array("a=2".utf8)])
        let form = try await request.form()
        #expect(form["a"] == "1")
        #expect(form.values("a") == ["1", "2"])
    }

    @Test func anUnknownContentTypeLeavesTheBodyUnread() async throws {
        let request = makeRequest(target: "/s?a=1", contentType: "application/json", chunks: [Array("{}".utf8)])
        #expect(try FormSummary(await request.form()) == FormSummary(fields: ["a=1"]))
        #expect(String(buffer: try await request.body.collect(upTo: 10)) == "{}")
    }

    @Test(arguments: ["a=%zz", "a=%4", "%FF=1", "a=%C3"])
    func badPercentEncodingIsABadRequest(_ body: String) async throws {
        let request = makeRequest(contentType: "application/x-www-form-urlencoded", chunks: [Array(body.utf8)])
        await #expect(throws: HearthError.badRequest("bad percent-encoding (or not UTF-8) in the form body")) { try await request.form() }
    }

    @Test func aMissingFieldIsNil() async throws {
        let form = try await makeRequest(method: .get, target: "/?a=1").form()
        #expect(form["b"] == nil)
        #expect(form.values("b") == [])
        #expect(form.files("a").isEmpty)
    }
}
