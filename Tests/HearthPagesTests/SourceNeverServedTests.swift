import Foundation
import Hearth
import HearthTesting
import Testing

/// SECURITY.md, source disclosure: a template's source is never served, by
/// any mount or spelling of its path, by GET, HEAD or a byte range.
@Suite struct SourceNeverServedTests {
    static let marker = "SOURCE-MARKER"

    /// `/` has pages on; `/plain` serves the same root with pages off.
    static func site() async throws -> PageSite {
        let site = try await PageSite.start(files: [
            "hello.mustache": "{{! \(marker) }}hello {{form.x}}",
            "UPPER.MUSTACHE": "\(marker) {{x}}",
            "Mixed.Mustache": "\(marker) {{x}}",
            "sub/index.mustache": "{{! \(marker) }}index",
            "_partials/part.mustache": "\(marker) {{x}}",
        ]) { configuration in
            var plain = StaticFilesConfiguration(urlPath: "/plain", root: configuration.staticMounts[0].root)
            plain.pages = false
            configuration.staticMounts.append(plain)
        }
        try FileManager.default.createSymbolicLink(atPath: site.root + "/alias.txt", withDestinationPath: site.root + "/hello.mustache")
        try FileManager.default.createSymbolicLink(atPath: site.root + "/alias.mustache.html", withDestinationPath: "hello.mustache")
        return site
    }

    static let paths = [
        "/hello.mustache", "/hello%2emustache", "/hello%2Emustache", "/hello.MUSTACHE", "/hello.Mustache",
        "/UPPER.MUSTACHE", "/UPPER.mustache", "/UPPER", "/Mixed.Mustache", "/Mixed",
        "/hello.mustache.", "/hello.mustache..", "/hello.mustache/", "/hello.mustache%20", "/hello.mustache%2e",
        "/hello.mustache%00", "/hello.mustache%2f", "/hello.mustache;x", "/hello.mustache?x", "/hello.mustache#x",
        "/./hello.mustache", "//hello.mustache", "/sub/../hello.mustache", "/sub/%2e%2e/hello.mustache",
        "/sub/index.mustache", "/_partials/part.mustache", "/_partials/part", "/%5fpartials/part", "/_partials/",
        "/alias.txt", "/alias.mustache.html", "/alias.mustache",
    ]

    @Test func noSpellingShowsATemplatesSource() async throws {
        let site = try await Self.site()
        var shown: [String] = []
        for mount in ["", "/plain"] {
            for path in Self.paths {
                let target = mount + path
                for (method, fields) in [("GET", []), ("HEAD", []), ("GET", ["Range: bytes=0-20"]), ("GET", ["Range: bytes=-30", "If-Range: *"])] {
                    let response = try await site.request(method, target, fields)
                    if response.status < 300 || response.text.contains(Self.marker) || response.text.contains("{{") {
                        shown.append("\(method) \(target) \(fields): \(response.status) \(response.text)")
                    }
                }
            }
        }
        let page = try await site.request("GET", "/hello?x=1")
        try await site.stop()
        #expect(shown == [])
        #expect(page.text == "hello 1", "the page itself still renders")
    }

    @Test func aRefusedSourceIsLoggedWithTheReason() async throws {
        let site = try await Self.site()
        let response = try await site.request("GET", "/plain/hello.mustache")
        try await site.stop()
        #expect(response.status == 404)
        #expect(site.logText.contains("is a page template, whose source is never served"), "\(site.logText)")
    }
}
