import HearthCGI
import Testing

struct CommandLineCase: Sendable, CustomTestStringConvertible {
    let name: String
    var method = "GET"
    let query: String
    var maxWords = 64
    let words: [String]
    var testDescription: String { name }
}

let commandLineCases: [CommandLineCase] = [
    .init(name: "§4.4 \"+\" separates the search words", query: "a+b+c", words: ["a", "b", "c"]),
    .init(name: "§4.4 one word", method: "HEAD", query: "hello", words: ["hello"]),
    .init(name: "§4.4 each word is URL-decoded", query: "caf%C3%A9+x%2By+%2D%2Dv", words: ["caf\u{e9}", "x+y", "--v"]),
    .init(name: "§4.4 an encoded \"=\" is a word", query: "a%3Db", words: ["a=b"]),
    .init(name: "§4.4 an unencoded \"=\" means no command line", query: "a=b", words: []),
    .init(name: "§4.4 an \"=\" in any word means no command line", query: "x+y=1", words: []),
    .init(name: "§4.4 an \"=\" before a combining mark is still an \"=\"", query: "a=\u{301}b", words: []),
    .init(name: "§4.4 a \"+\" before a combining mark still separates", query: "a+\u{301}b", words: ["a", "\u{301}b"]),
    .init(name: "§4.4 POST has no command line", method: "POST", query: "a+b", words: []),
    .init(name: "§4.4 PUT has no command line", method: "PUT", query: "a", words: []),
    .init(name: "§4.1.12 methods are case-sensitive: \"get\" is not GET", method: "get", query: "a", words: []),
    .init(name: "§4.4 an empty query has no command line", query: "", words: []),
    .init(name: "§4.4 an undecodable word means no command line", query: "a+%zz", words: []),
    .init(name: "§4.4 a word that is not UTF-8 means no command line", query: "a+%FF", words: []),
    .init(name: "§4.4 a NUL cannot be an argument: no command line", query: "a+b%00c", words: []),
    .init(name: "§4.4 an empty word (\"a++b\") means no command line", query: "a++b", words: []),
    .init(name: "§4.4 a leading \"+\" means no command line", query: "+a", words: []),
    .init(name: "§4.4 a trailing \"+\" means no command line", query: "a+", words: []),
    .init(name: "§4.4 as many words as allowed", query: "a+b+c", maxWords: 3, words: ["a", "b", "c"]),
    .init(name: "§4.4 too many words means no command line", query: "a+b+c+d", maxWords: 3, words: []),
]

@Suite("CGICommandLine")
struct CommandLineTests {
    @Test(arguments: commandLineCases)
    func searchWords(_ example: CommandLineCase) {
        #expect(CGICommandLine.searchWords(method: example.method, queryString: example.query, maxWords: example.maxWords) == example.words)
    }

    @Test func theDefaultCapIs64Words() {
        let words = (1...65).map { "w\($0)" }
        #expect(CGICommandLine.searchWords(method: "GET", queryString: words.prefix(64).joined(separator: "+")) == Array(words.prefix(64)))
        #expect(CGICommandLine.searchWords(method: "GET", queryString: words.joined(separator: "+")) == [])
    }
}

@Suite("PercentDecoding")
struct PercentDecodingTests {
    @Test(arguments: [
        ("plain", "plain" as String?), ("a%20b", "a b"), ("%41%62%2f", "Ab/"), ("%e2%82%ac", "\u{20ac}"), ("a+b", "a+b"),
        ("%", nil), ("%4", nil), ("%g0", nil), ("%0g", nil), ("%C3", nil), ("%FF", nil), ("%2541", "%41"),
    ])
    func decodesOnce(_ input: String, _ expected: String?) {
        #expect(PercentDecoding.decode(input) == expected)
    }

    @Test func plusIsASpaceOnlyWhenAsked() {
        #expect(PercentDecoding.decode("a+b%2B", plusAsSpace: true) == "a b+")
        #expect(PercentDecoding.decode("a+b", plusAsSpace: false) == "a+b")
    }
}
