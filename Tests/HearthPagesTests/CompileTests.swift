import Foundation
import Testing

@testable import HearthPages

/// A template is parsed once, and again when its file or a partial changes;
/// what does not parse is an error with its place.
@Suite struct CompileTests {
    @Test func anEditedPageIsCompiledAgainAndAnUnchangedOneIsNot() throws {
        let root = try PageRoot()
        let compilations = { root.pages.cache.compilations.load(ordering: .relaxed) }
        try root.rewrite("p.mustache", "one {{v}}", modified: 1_000_000)
        #expect(try root.render("p.mustache", ["v": 1]) == "one 1")
        #expect(try root.render("p.mustache", ["v": 2]) == "one 2")
        #expect(compilations() == 1)
        try root.rewrite("p.mustache", "two {{v}}", modified: 2_000_000)
        #expect(try root.render("p.mustache", ["v": 3]) == "two 3")
        #expect(try root.render("p.mustache", ["v": 4]) == "two 4")
        #expect(compilations() == 2)
    }

    @Test func anEditedAddedOrRemovedPartialIsSeenByTheNextRender() throws {
        let root = try PageRoot()
        try root.write("p.mustache", "[{{> part}}]")
        try root.rewrite("_partials/part.mustache", "old", modified: 1_000_000)
        #expect(try root.render("p.mustache") == "[old]")
        #expect(try root.render("p.mustache") == "[old]")
        #expect(root.pages.cache.partialBuilds.load(ordering: .relaxed) == 1)
        try root.rewrite("_partials/part.mustache", "new", modified: 2_000_000)
        #expect(try root.render("p.mustache") == "[new]")
        #expect(root.pages.cache.partialBuilds.load(ordering: .relaxed) == 2)
        try FileManager.default.removeItem(atPath: root.root + "/_partials/part.mustache")
        #expect(throws: PageError.self) { try root.render("p.mustache") }
        try root.write("_partials/part.mustache", "back")
        #expect(try root.render("p.mustache") == "[back]")
    }

    @Test func aPageFixedAfterAnErrorRendersAgain() throws {
        let root = try PageRoot()
        try root.rewrite("p.mustache", "{{#open}}", modified: 1_000_000)
        #expect(throws: PageError.self) { try root.render("p.mustache") }
        try root.rewrite("p.mustache", "{{#open}}x{{/open}}", modified: 2_000_000)
        #expect(try root.render("p.mustache", ["open": true]) == "x")
    }

    @Test(arguments: [
        ("<p>\n{{#items}}\n{{/item}}\n", 3, "a section is closed with another name than it was opened with in: {{/item}}"),
        ("a\nb {{name\n", 3, "the file ends inside a tag: a {{ is never closed"),
        ("a\n{{na#me}}\n", 2, "a tag is not closed, or its name holds a character names may not in: {{na#me}}"),
        ("{{#open}}\nstill open\n", 3, "a section is never closed"),
        ("ok\n{{=<% =}}\n", 2, "bad set-delimiter tag in: {{=<% =}}"),
    ])
    func syntaxErrorsNameTheFileAndLine(source: String, line: Int, message: String) throws {
        let root = try PageRoot()
        let file = try root.write("bad.mustache", source)
        let error = try #require(throws: PageError.self) { try root.render("bad.mustache") }
        #expect(error.file == file)
        #expect(error.line == line)
        #expect(error.problem == .syntax(message))
        #expect(error.description.hasPrefix("\(file):\(line):"))
    }

    @Test func aTemplateThatIsNotUTF8IsRefusedWithTheLine() throws {
        let root = try PageRoot()
        let file = try root.write("latin1.mustache", Array("ok\ncaf".utf8) + [0xE9] + Array("\n".utf8))
        #expect(throws: PageError(file: file, line: 2, problem: .notUTF8)) { try root.render("latin1.mustache") }
    }

    @Test func aTemplateLargerThanTheLimitIsRefused() throws {
        let root = try PageRoot()
        try root.write("big.mustache", String(repeating: "x", count: (1 << 20) + 1))
        let error = try #require(throws: PageError.self) { try root.render("big.mustache") }
        #expect(error.problem == .tooLarge(limit: 1 << 20))
    }
}
