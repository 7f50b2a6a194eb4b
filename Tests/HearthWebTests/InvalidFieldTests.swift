import HTTPTypes
import HearthWeb
import Testing

/// `HearthError.invalidField`: a 400 whose page names the field and the
/// problem — the one error page that says more than its status.
@Suite struct InvalidFieldTests {
    @Test func thePageNamesTheFieldAndTheProblem() {
        let (response, log) = ErrorMapping.response(for: HearthError.invalidField(name: "age", problem: "must be an integer"))
        #expect(response.status == .badRequest)
        #expect(response.headerFields[.contentType] == "text/plain; charset=utf-8")
        #expect(response.body.text == "400 Bad Request\nfield \"age\": must be an integer\n")
        #expect(log.contains("age") && log.contains("must be an integer"))
    }

    @Test func aNameWithQuotesOrControlsIsEscaped() {
        let (response, _) = ErrorMapping.response(for: HearthError.invalidField(name: "a\"b\n<i>", problem: "is required"))
        #expect(response.body.text == "400 Bad Request\nfield \"a\\\"b\\n<i>\": is required\n")
    }
}
