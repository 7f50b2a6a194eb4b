import Foundation
import HearthPages
import Testing

/// `{{> name}}` is `_partials/name.mustache`; what swift-mustache would let
/// through silently (a missing partial) or fatally (a recursive one) is a
/// `PageError` naming the file and line instead.
@Suite struct PartialTests {
    @Test func partialsComeFromThePartialsDirectoryAndItsSubdirectories() throws {
        let root = try PageRoot()
        try root.write("page.mustache", "{{> header}}|{{#items}}{{> rows/row}}{{/items}}|{{<layout}}{{$body}}B{{/body}}{{/layout}}")
        try root.write("_partials/header.mustache", "<h1>{{title}}</h1>")
        try root.write("_partials/rows/row.mustache", "<li>{{.}}</li>")
        try root.write("_partials/layout.mustache", "[{{$body}}default{{/body}}]")
        let rendered = try root.render("page.mustache", ["title": "T&", "items": ["a", "b"]])
        #expect(rendered == "<h1>T&amp;</h1>|<li>a</li><li>b</li>|[B]")
    }

    @Test func aMissingPartialIsAnErrorWithTheFileAndLineThatUseIt() throws {
        let root = try PageRoot()
        let file = try root.write("page.mustache", "<p>\n<p>{{> absent }}\n")
        let error = try #require(throws: PageError.self) { try root.render("page.mustache") }
        #expect(error == PageError(file: file, line: 2, problem: .missingPartial("absent")))
        #expect(error.description == "\(file):2: uses the partial \"absent\", which is not in _partials/")
    }

    @Test func aPartialMissingFurtherDownNamesThePartialThatUsesIt() throws {
        let root = try PageRoot()
        try root.write("page.mustache", "{{> outer}}")
        let outer = try root.write("_partials/outer.mustache", "x\ny\n{{> inner}}")
        let error = try #require(throws: PageError.self) { try root.render("page.mustache") }
        #expect(error == PageError(file: outer, line: 3, problem: .missingPartial("inner")))
    }

    @Test(arguments: [
        (["a": "{{> a}}"], ["a", "a"]),
        (["a": "{{#x}}{{> b}}{{/x}}", "b": "{{> c}}", "c": "{{> a}}"], ["a", "b", "c", "a"]),
    ])
    func partialsThatIncludeThemselvesAreRefusedBeforeRendering(partials: [String: String], cycle: [String]) throws {
        let root = try PageRoot()
        try root.write("page.mustache", "{{> a}}")
        for (name, text) in partials { try root.write("_partials/\(name).mustache", text) }
        let error = try #require(throws: PageError.self) { try root.render("page.mustache", ["x": true]) }
        #expect(error.problem == .partialCycle(cycle))
    }

    @Test func dynamicPartialsAreRefused() throws {
        let root = try PageRoot()
        let page = try root.write("page.mustache", "{{>*form.which}}")
        try root.write("ok.mustache", "{{> inner}}")
        let inner = try root.write("_partials/inner.mustache", "{{>*chosen}}")
        #expect(throws: PageError(file: page, problem: .dynamicPartial)) { try root.render("page.mustache") }
        #expect(throws: PageError(file: inner, problem: .dynamicPartial)) { try root.render("ok.mustache") }
    }

    @Test func aBrokenPartialFailsOnlyThePagesThatUseIt() throws {
        let root = try PageRoot()
        try root.write("uses.mustache", "{{> broken}}")
        try root.write("other.mustache", "{{> fine}}")
        let broken = try root.write("_partials/broken.mustache", "line one\n{{#open}}\n")
        try root.write("_partials/fine.mustache", "fine")
        #expect(try root.render("other.mustache") == "fine")
        let error = try #require(throws: PageError.self) { try root.render("uses.mustache") }
        #expect(error.file == broken)
        if case .syntax = error.problem {} else { Issue.record("expected a syntax error, got \(error.problem)") }
    }

    @Test func aPartialOutsideTheRootThroughASymlinkIsNotRead() throws {
        let root = try PageRoot()
        let outside = try PageRoot()
        let secret = try outside.write("secret.mustache", "SECRET")
        try root.write("page.mustache", "{{> leak}}")
        try root.write("_partials/keep.mustache", "")
        try FileManager.default.createSymbolicLink(atPath: root.root + "/_partials/leak.mustache", withDestinationPath: secret)
        let error = try #require(throws: PageError.self) { try root.render("page.mustache") }
        if case .unreadable = error.problem {} else { Issue.record("expected unreadable, got \(error.problem)") }
    }
}
