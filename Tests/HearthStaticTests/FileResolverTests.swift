import Foundation
import HearthHTTP
import HearthStatic
import HearthTesting
import Testing

/// The resolver's fast path (`openPlain`, one openat2 with no symlink
/// allowed) against its realpath path (`resolve`): where there is no link
/// both find the same file under the same rules; anywhere a link lies the
/// fast path steps aside, so the symlink policy stays `resolve`'s.
@Suite struct FileResolverTests {
    /// A tree with `www/` as the root, spelt as realpath spells it (the
    /// temporary directory may itself be reached through a link).
    final class Tree {
        let dir: TemporaryDirectory
        let real: String
        var root: String { real + "/www" }

        init() throws {
            dir = try TemporaryDirectory()
            real = FileResolver.realPath(dir.path)!
            try dir.write("www/dir/a.txt", "A")
            try dir.write("www/cgi/run.sh", "#!/bin/sh\n")
            try dir.write("www/inc/lib.txt", "LIB")
            try dir.write("www/.hidden", "HIDDEN")
            try dir.write("outside/b.txt", "B")
        }

        func link(_ name: String, to destination: String) throws {
            try FileManager.default.createSymbolicLink(atPath: real + "/" + name, withDestinationPath: destination)
        }

        func resolver(root: String? = nil) -> FileResolver {
            FileResolver(root: root ?? self.root, forbiddenRoots: [self.root + "/cgi"], denied: [self.root + "/inc"])
        }
    }

    static func contents(_ descriptor: CInt) -> String {
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = read(descriptor, &bytes, bytes.count)
        return String(decoding: bytes[..<max(0, count)], as: UTF8.self)
    }

    /// The status `body` refused with; nil when it did not throw.
    static func status(_ body: () throws(HTTPError) -> Void) -> UInt? {
        do {
            try body()
            return nil
        } catch {
            return error.status.code
        }
    }

    @Test func aPathWithoutLinksOpensAsSpelt() throws {
        let tree = try Tree()
        let opened = try #require(try tree.resolver().openPlain(["dir", "a.txt"], flags: O_RDONLY | O_CLOEXEC))
        #expect(opened.target.resolved == tree.root + "/dir/a.txt")
        #expect(opened.target.requested == opened.target.resolved)
        #expect(Self.contents(opened.descriptor) == "A")
        #expect(try tree.resolver().resolve(["dir", "a.txt"]).resolved == opened.target.resolved)
    }

    /// A link as the file, as a directory on the way, as the root itself:
    /// the fast path opens nothing, and `resolve` decides as it always did.
    @Test(arguments: [
        (["www/link.txt": "www/dir/a.txt"], ["link.txt"], "www/dir/a.txt"),
        (["www/linkdir": "www/dir"], ["linkdir", "a.txt"], "www/dir/a.txt"),
        (["www/out.txt": "outside/b.txt"], ["out.txt"], nil),
        (["www/up": "outside"], ["up", "b.txt"], nil),
    ])
    func aLinkOnTheWayIsLeftToResolve(links: [String: String], segments: [String], resolvesTo: String?) throws {
        let tree = try Tree()
        for (name, destination) in links { try tree.link(name, to: tree.real + "/" + destination) }
        #expect(try tree.resolver().openPlain(segments, flags: O_RDONLY | O_CLOEXEC) == nil)
        if let resolvesTo {
            #expect(try tree.resolver().resolve(segments).resolved == tree.real + "/" + resolvesTo)
        } else {
            #expect(Self.status { () throws(HTTPError) in _ = try tree.resolver().resolve(segments) } == 403)
        }
    }

    /// A root replaced by a link while serving is followed, as before.
    @Test func aRootThatIsALinkIsFollowedByResolve() throws {
        let tree = try Tree()
        try tree.link("site", to: tree.root)
        let resolver = tree.resolver(root: tree.real + "/site")
        #expect(try resolver.openPlain(["dir", "a.txt"], flags: O_RDONLY | O_CLOEXEC) == nil)
        #expect(try resolver.resolve(["dir", "a.txt"]).resolved == tree.root + "/dir/a.txt")
    }

    /// Another mount's directory and the deny list are refused on the fast
    /// path too (the file was opened; it is closed again).
    @Test(arguments: [["cgi", "run.sh"], ["inc", "lib.txt"], ["inc"]])
    func forbiddenAndDeniedAreRefusedWithoutALink(segments: [String]) throws {
        let tree = try Tree()
        #expect(Self.status { () throws(HTTPError) in _ = try tree.resolver().openPlain(segments, flags: O_RDONLY | O_CLOEXEC) } == 403)
        #expect(Self.status { () throws(HTTPError) in _ = try tree.resolver().resolve(segments) } == 403)
    }

    /// A dot file, or a root not spelt as realpath spells it, goes the
    /// long way, whose answer is unchanged.
    @Test func dotFilesAndOddRootsAreLeftToResolve() throws {
        let tree = try Tree()
        #expect(try tree.resolver().openPlain([".hidden"], flags: O_RDONLY | O_CLOEXEC) == nil)
        #expect(Self.status { () throws(HTTPError) in _ = try tree.resolver().resolve([".hidden"]) } == 404)
        for root in [tree.root + "/", tree.real + "//www", tree.real + "/./www", tree.real + "/outside/../www"] {
            #expect(try tree.resolver(root: root).openPlain(["dir", "a.txt"], flags: O_RDONLY | O_CLOEXEC) == nil, "\(root)")
            #expect(try tree.resolver(root: root).resolve(["dir", "a.txt"]).resolved == tree.root + "/dir/a.txt", "\(root)")
        }
    }

    /// `realPath` answers as realpath(3), with or without its fast path.
    @Test func realPathAnswersAsRealpath() throws {
        let tree = try Tree()
        try tree.link("www/linkdir", to: tree.root + "/dir")
        #expect(FileResolver.realPath(tree.root + "/dir/a.txt") == tree.root + "/dir/a.txt")
        #expect(FileResolver.realPath(tree.root + "/linkdir/a.txt") == tree.root + "/dir/a.txt")
        #expect(FileResolver.realPath(tree.root + "/dir/../dir/a.txt") == tree.root + "/dir/a.txt")
        #expect(FileResolver.realPath(tree.root + "//dir/a.txt") == tree.root + "/dir/a.txt")
        #expect(FileResolver.realPath(tree.root + "/dir/") == tree.root + "/dir")
        #expect(FileResolver.realPath(tree.root + "/missing") == nil)
        #expect(FileResolver.realPath("/") == "/")
    }
}
