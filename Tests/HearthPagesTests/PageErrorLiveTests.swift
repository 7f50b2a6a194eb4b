import Foundation
import Hearth
import HearthTesting
import Testing

/// A template that does not parse or cannot render is a 500 whose file and
/// line are in the error log, and nothing of the template reaches the client.
@Suite struct PageErrorLiveTests {
    static let plain500 = "500 Internal Server Error\n"

    /// `logged`: the file (below the root) and what follows it in the log.
    @Test(arguments: [
        ("<p>SECRET-SOURCE\n{{#items}}\n{{/itemz}}\n", "bad.mustache:3:4: a section is closed with another name"),
        ("SECRET-SOURCE\n\n{{> nowhere}}\n", "bad.mustache:3: uses the partial \"nowhere\""),
        ("SECRET-SOURCE {{> loop}}", "_partials/loop.mustache:1: partials include each other: loop > loop"),
        ("SECRET-SOURCE {{>*request.query}}", "bad.mustache: uses a dynamic partial"),
        ("{{! Cache-Control: \u{7} }}\nSECRET-SOURCE", "bad.mustache:1: bad directive"),
    ])
    func aBrokenTemplateIsA500WithTheFileAndLineInTheLogOnly(source: String, logged: String) async throws {
        let site = try await PageSite.start(files: ["bad.mustache": source, "_partials/loop.mustache": "{{> loop}}"])
        let get = try await site.request("GET", "/bad?x")
        let head = try await site.request("HEAD", "/bad")
        try await site.stop()
        #expect(get.status == 500 && head.status == 500)
        #expect(get.text == Self.plain500, "no template source, no parser message")
        #expect(head.body.isEmpty)
        #expect(site.logText.contains(site.root + "/" + logged), "\(site.logText)")
    }

    @Test func aRewrittenTemplateIsRenderedAnewOnTheNextRequest() async throws {
        let site = try await PageSite.start(files: ["live.mustache": "first {{request.method}}", "_partials/p.mustache": "p1"])
        try site.setModified("live.mustache", 1_000_000)
        let first = try await site.request("GET", "/live")
        try site.write("live.mustache", "second {{request.method}} {{> p}}")
        try site.setModified("live.mustache", 2_000_000)
        let second = try await site.request("GET", "/live")
        try site.write("_partials/p.mustache", "p2")
        try site.setModified("_partials/p.mustache", 3_000_000)
        let third = try await site.request("GET", "/live")
        try await site.stop()
        #expect(first.text == "first GET")
        #expect(second.text == "second GET p1")
        #expect(third.text == "second GET p2")
    }
}
