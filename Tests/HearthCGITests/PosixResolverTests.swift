import Foundation
import HearthCGI
import Testing

/// The resolver against the real file system: a temporary script directory
/// with an executable, a plain file, a subdirectory and symlinks in and out.
@Suite("CGIScriptResolver, on disk")
struct PosixResolverTests {
    let base: String
    let root: String
    let resolver: CGIScriptResolver

    init() throws {
        let files = FileManager.default
        let made = files.temporaryDirectory.appendingPathComponent("hearth-cgi-\(UUID().uuidString)").path
        base = try #require(CGIPosixFileSystem().realPath(Self.makeDirectory(made)))
        root = base + "/cgi-bin"
        try Self.makeDirectory(root + "/sub")
        try Self.write(root + "/hello.sh", mode: 0o755)
        try Self.write(root + "/sub/deep.sh", mode: 0o700)
        try Self.write(root + "/secret.txt", mode: 0o644)
        try Self.write(root + "/page.pl", mode: 0o644)
        try Self.write(base + "/outside.sh", mode: 0o755)
        try files.createSymbolicLink(atPath: root + "/escape.sh", withDestinationPath: base + "/outside.sh")
        try files.createSymbolicLink(atPath: root + "/alias.sh", withDestinationPath: "hello.sh")
        try files.createSymbolicLink(atPath: root + "/up", withDestinationPath: base)
        resolver = CGIScriptResolver(mountPath: "/cgi-bin", root: root, interpreters: ["pl": "/usr/bin/perl"])
    }

    @discardableResult
    static func makeDirectory(_ path: String) throws -> String {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ path: String, mode: Int) throws {
        try Data("#!/bin/sh\necho\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: base)
    }

    @Test func anExecutableRunsWithItsPathInfo() {
        defer { cleanUp() }
        #expect(resolver.resolve("hello.sh/a%20b") == .script(CGIScript(scriptName: "/cgi-bin/hello.sh", pathInfo: "/a b", filePath: root + "/hello.sh")))
    }

    @Test func aScriptInASubdirectoryRuns() {
        defer { cleanUp() }
        #expect(resolver.resolve("sub/deep.sh") == .script(CGIScript(scriptName: "/cgi-bin/sub/deep.sh", pathInfo: "", filePath: root + "/sub/deep.sh")))
    }

    @Test func aFileWithoutExecuteBitsIsForbidden() {
        defer { cleanUp() }
        guard case .forbidden = resolver.resolve("secret.txt") else {
            Issue.record("secret.txt was not forbidden")
            return
        }
    }

    @Test func aNonExecutableFileRunsByItsInterpreter() {
        defer { cleanUp() }
        #expect(resolver.resolve("page.pl") == .script(CGIScript(scriptName: "/cgi-bin/page.pl", pathInfo: "", filePath: root + "/page.pl", interpreter: "/usr/bin/perl")))
    }

    @Test func aDirectoryIsForbidden() {
        defer { cleanUp() }
        guard case .forbidden = resolver.resolve("sub") else {
            Issue.record("sub was not forbidden")
            return
        }
    }

    @Test func aMissingFileIsNotFound() {
        defer { cleanUp() }
        #expect(resolver.resolve("missing.sh/x") == .notFound)
    }

    @Test func aSymlinkOutOfTheRootIsForbidden() {
        defer { cleanUp() }
        guard case .forbidden(let reason) = resolver.resolve("escape.sh") else {
            Issue.record("escape.sh was not forbidden")
            return
        }
        #expect(reason.contains("outside"))
    }

    @Test func aSymlinkedDirectoryOutOfTheRootIsForbidden() {
        defer { cleanUp() }
        guard case .forbidden(let reason) = resolver.resolve("up/outside.sh") else {
            Issue.record("up/outside.sh was not forbidden")
            return
        }
        #expect(reason.contains("outside"))
    }

    @Test func aSymlinkInsideTheRootRuns() {
        defer { cleanUp() }
        #expect(resolver.resolve("alias.sh") == .script(CGIScript(scriptName: "/cgi-bin/alias.sh", pathInfo: "", filePath: root + "/alias.sh")))
    }

    @Test func realKindsComeFromStat() {
        defer { cleanUp() }
        let fileSystem = CGIPosixFileSystem()
        #expect(fileSystem.kind(of: root + "/hello.sh") == .file(executable: true))
        #expect(fileSystem.kind(of: root + "/secret.txt") == .file(executable: false))
        #expect(fileSystem.kind(of: root + "/sub") == .directory)
        #expect(fileSystem.kind(of: root + "/nope") == .missing)
        #expect(fileSystem.kind(of: "/dev/null") == .other)
        #expect(fileSystem.realPath(root + "/escape.sh") == base + "/outside.sh")
        #expect(fileSystem.realPath(root + "/nope") == nil)
    }
}
