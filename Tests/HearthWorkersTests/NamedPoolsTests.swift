import Foundation
import Hearth
import HearthTesting
import HearthWorkers
import Testing

/// `fastcgi` items with a `name` and no `url` (pools for a document
/// root's `scripts:`, the shape gitweb is served warm in) are one pool
/// each. Pools were keyed by their item's URL, which such an item does not
/// have, so a second item running the same program got the first item's
/// workers: its own `environment`, `run_as` and limits silently ignored.
@Suite("Named FastCGI pools", .serialized)
struct NamedPoolsTests {
    /// Answers with the TAG of the environment it was started with (read
    /// before the first request: CGI::Fast replaces %ENV with each
    /// request's parameters) and its pid.
    static let perlTag = #"""
        #!/usr/bin/perl
        use CGI::Fast;
        my $tag = $ENV{TAG} // '-';
        while (my $q = CGI::Fast->new) { print "Content-Type: text/plain\r\n\r\ntag=$tag pid=$$\n"; }
        """#

    @Test("two named items running one program are two pools, each started with its own environment")
    func twoNamedItemsAreTwoPools() async throws {
        let app = try TemporaryDirectory()
        let program = try app.write("tag.fcgi", Self.perlTag, mode: 0o755)
        try app.write("www/page.a", "")
        try app.write("www/page.b", "")
        let site = try await CGITestSite.start(scripts: [:], site: { configuration in
            configuration.fastCGIMounts = ["a", "b"].map { name in
                var mount = FastCGIMountConfiguration(backend: .pool(testPool {
                    $0.command = [program]
                    $0.environment = [("PATH", "/usr/bin:/bin"), ("TAG", name)]
                }))
                mount.name = name
                mount.isMounted = false
                return mount
            }
            var files = StaticFilesConfiguration(urlPath: "/", root: app.path + "/www")
            files.scripts = ["a": .fastCGI("a"), "b": .fastCGI("b")]
            configuration.staticMounts = [files]
        })
        try await site.whileServing { site in
            let first = try await site.get("/page.a")
            let second = try await site.get("/page.b")
            #expect(first.text.hasPrefix("tag=a "), "\(first.text)")
            #expect(second.text.hasPrefix("tag=b "), "\(second.text)")
            // Each pool is labelled by its item's name in the log.
            #expect(site.site.workers?.all.keys.sorted() == ["a → \(program)", "b → \(program)"])
        }
    }
}
