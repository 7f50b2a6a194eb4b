import Mustache
import Testing

@testable import HearthPages

/// The partials a template names, read from swift-mustache's parsed tokens.
/// If an upgrade of swift-mustache renames its token cases, these fail
/// instead of the missing-partial and cycle checks going quiet.
@Suite struct TemplateReferencesTests {
    @Test(arguments: [
        ("no partial {{name}}", [String](), false),
        ("{{> header}}", ["header"], false),
        ("{{>  spaced  }}", ["spaced"], false),
        ("{{#items}}{{> row}}{{/items}}", ["row"], false),
        ("{{^items}}{{> empty}}{{/items}}", ["empty"], false),
        ("{{> forms/field}}", ["forms/field"], false),
        ("{{<base}}{{$body}}{{> inner}}{{/body}}{{/base}}", ["base", "inner"], false),
        ("{{=<% %>=}}<%> renamed%>", ["renamed"], false),
        ("{{>*chosen}}", [], true),
        ("{{#a}}{{#b}}{{> deep}}{{/b}}{{/a}}{{> top}}", ["deep", "top"], false),
    ])
    func partialsAreFoundWhereverTheyAre(source: String, partials: [String], dynamic: Bool) throws {
        let references = TemplateReferences(try MustacheTemplate(string: source))
        #expect(references.partials == Set(partials))
        #expect(references.usesDynamicPartial == dynamic)
    }

    @Test func theLineOfAPartialIsFoundForTheLog() {
        let source = "<h1>\n{{#a}}\n  {{> one }}\n{{/a}}\n{{<two}}{{/two}}\n"
        #expect(lineOfPartial("one", in: source) == 3)
        #expect(lineOfPartial("two", in: source) == 5)
        #expect(lineOfPartial("three", in: source) == nil)
    }
}
