import Testing

@testable import HearthPages

/// `{{! Cache-Control: … }}` at a template's start.
@Suite struct PageDirectivesTests {
    @Test(arguments: [
        ("{{! Cache-Control: max-age=60 }}\n<p>", "max-age=60"),
        ("\n  {{!cache-control:private, max-age=5}}<p>", "private, max-age=5"),
        ("{{! a note }}\n{{! Cache-Control: public }}\n<p>", "public"),
        ("{{! TODO: tidy }}<p>", nil),
        ("<p>{{! Cache-Control: max-age=60 }}", nil),
        ("", nil),
    ] as [(String, String?)])
    func leadingCommentsSetCacheControl(source: String, expected: String?) throws {
        #expect(try PageDirectives.parse(source, file: "t.mustache").cacheControl == expected)
    }

    @Test func aValueThatIsNotAFieldValueIsAnErrorWithItsLine() {
        #expect(throws: PageError(file: "t.mustache", line: 2, problem: .badDirective("Cache-Control: a field value is visible ASCII text"))) {
            try PageDirectives.parse("\n{{! Cache-Control: max-age=1\nX-Evil: 1 }}", file: "t.mustache")
        }
        #expect(throws: PageError.self) { try PageDirectives.parse("{{! Cache-Control: }}", file: "t.mustache") }
    }
}
