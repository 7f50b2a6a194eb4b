import HearthCGI
import Testing

/// What a resolution should give; reasons are matched by a fragment so that
/// a forbidden path cannot pass as a rejected one, or for the wrong reason.
enum Resolution: Sendable, Equatable {
    case script(name: String, pathInfo: String, file: String, interpreter: String? = nil)
    case notFound
    case forbidden(String)
    case rejected(String)

    func matches(_ outcome: CGIScriptResolver.Outcome) -> Bool {
        switch (self, outcome) {
        case (.script(let name, let info, let file, let interpreter), .script(let script)):
            script == CGIScript(scriptName: name, pathInfo: info, filePath: file, interpreter: interpreter)
        case (.notFound, .notFound): true
        case (.forbidden(let fragment), .forbidden(let reason)): reason.contains(fragment)
        case (.rejected(let fragment), .rejected(let reason)): reason.contains(fragment)
        default: false
        }
    }
}

struct ResolveCase: Sendable, CustomTestStringConvertible {
    let name: String
    let path: String
    let expected: Resolution
    var testDescription: String { "\(name) (\(path.debugDescription))" }

    init(_ name: String, _ path: String, _ expected: Resolution) {
        self.name = name
        self.path = path
        self.expected = expected
    }
}

let resolveCases: [ResolveCase] = [
    .init("a script without PATH_INFO", "hello.sh", .script(name: "/cgi-bin/hello.sh", pathInfo: "", file: "/srv/cgi/hello.sh")),
    .init("a leading slash is the same path", "/hello.sh", .script(name: "/cgi-bin/hello.sh", pathInfo: "", file: "/srv/cgi/hello.sh")),
    .init(
        "§4.1.5 the rest of the path is decoded PATH_INFO", "hello.sh/a/b%20c",
        .script(name: "/cgi-bin/hello.sh", pathInfo: "/a/b c", file: "/srv/cgi/hello.sh")
    ),
    .init("§4.1.5 a trailing slash is PATH_INFO \"/\"", "hello.sh/", .script(name: "/cgi-bin/hello.sh", pathInfo: "/", file: "/srv/cgi/hello.sh")),
    .init("§4.1.5 PATH_INFO keeps its case", "hello.sh/MiXeD", .script(name: "/cgi-bin/hello.sh", pathInfo: "/MiXeD", file: "/srv/cgi/hello.sh")),
    .init(
        "§4.1.13 SCRIPT_NAME is decoded", "hello%20world.sh",
        .script(name: "/cgi-bin/hello world.sh", pathInfo: "", file: "/srv/cgi/hello world.sh")
    ),
    .init("decoding happens once: %2541 names the file \"%41.sh\"", "%2541.sh", .script(name: "/cgi-bin/%41.sh", pathInfo: "", file: "/srv/cgi/%41.sh")),
    .init("decoding happens once: %252e%252e is a name, not a dot segment", "%252e%252e/hello.sh", .notFound),
    .init(
        "a script in nested directories", "sub/deep/run.sh/x",
        .script(name: "/cgi-bin/sub/deep/run.sh", pathInfo: "/x", file: "/srv/cgi/sub/deep/run.sh")
    ),
    .init("a symlink inside the root runs", "linked.sh", .script(name: "/cgi-bin/linked.sh", pathInfo: "", file: "/srv/cgi/linked.sh")),
    .init("a missing script is not found", "nope.sh", .notFound),
    .init("a missing directory is not found", "nope/hello.sh", .notFound),
    .init(
        "empty segments merge, as in every request path (RequestPath)", "sub//deep/run.sh",
        .script(name: "/cgi-bin/sub/deep/run.sh", pathInfo: "", file: "/srv/cgi/sub/deep/run.sh")
    ),
    .init("empty segments in PATH_INFO merge too", "hello.sh//a//b/", .script(name: "/cgi-bin/hello.sh", pathInfo: "/a/b/", file: "/srv/cgi/hello.sh")),
    .init("a non-executable file is forbidden, never shown", "readme.txt", .forbidden("not executable")),
    .init("a non-executable file with PATH_INFO is forbidden", "readme.txt/x", .forbidden("not executable")),
    .init("the script directory itself is forbidden", "", .forbidden("directory")),
    .init("the script directory with a slash is forbidden", "/", .forbidden("directory")),
    .init("a subdirectory is forbidden", "sub", .forbidden("directory: /srv/cgi/sub")),
    .init("a subdirectory with a trailing slash is forbidden", "sub/deep/", .forbidden("directory: /srv/cgi/sub/deep")),
    .init("a FIFO or device is forbidden", "fifo", .forbidden("not a regular file")),
    .init("CVE-2021-41773: a symlink leaving the root is forbidden", "escape.sh", .forbidden("outside")),
    .init("a symlink to a sibling sharing the root's name prefix is forbidden", "sibling.sh", .forbidden("outside")),
    .init(
        "an interpreter runs a non-executable file by extension", "page.pl/x",
        .script(name: "/cgi-bin/page.pl", pathInfo: "/x", file: "/srv/cgi/page.pl", interpreter: "/usr/bin/perl")
    ),
    .init(
        "an executable file runs itself even with a mapped extension", "tool.pl",
        .script(name: "/cgi-bin/tool.pl", pathInfo: "", file: "/srv/cgi/tool.pl", interpreter: nil)
    ),
    .init("CVE-2021-41773: \"..\" is rejected", "sub/../hello.sh", .rejected("dot segment")),
    .init("\"..\" in PATH_INFO is rejected", "hello.sh/../../etc/passwd", .rejected("dot segment")),
    .init("\".\" is rejected", "./hello.sh", .rejected("dot segment")),
    .init("CVE-2021-42013: %2e%2e is rejected", "%2e%2e/%2e%2e/etc/passwd", .rejected("dot segment")),
    .init("CVE-2021-42013: %2E%2e mixed case is rejected", "sub/%2E%2e/hello.sh", .rejected("dot segment")),
    .init("an encoded slash is rejected", "sub%2Fdeep/run.sh", .rejected("encoded slash")),
    .init("an encoded slash in PATH_INFO is rejected", "hello.sh/a%2fb", .rejected("encoded slash")),
    .init("an encoded slash hidden by a combining mark is rejected", "hello.sh/..%2F%CC%81x", .rejected("encoded slash")),
    .init("a raw slash before a combining mark still separates", "hello.sh/\u{301}", .script(name: "/cgi-bin/hello.sh", pathInfo: "/\u{301}", file: "/srv/cgi/hello.sh")),
    .init("%00 is rejected", "hello.sh%00.txt", .rejected("NUL")),
    .init("%00 in PATH_INFO is rejected", "hello.sh/a%00", .rejected("NUL")),
    .init("a bad escape %zz is rejected", "hello%zz.sh", .rejected("percent-encoding")),
    .init("a truncated escape is rejected", "hello.sh%2", .rejected("percent-encoding")),
    .init("an escape that is not UTF-8 is rejected", "hello%FF.sh", .rejected("percent-encoding")),
]

@Suite("CGIScriptResolver, in memory")
struct ScriptResolverTests {
    static let resolver = CGIScriptResolver(
        mountPath: "/cgi-bin/", root: "/srv/cgi/", interpreters: ["pl": "/usr/bin/perl"], fileSystem: FakeFileSystem.cgiBin
    )

    @Test(arguments: resolveCases)
    func resolve(_ example: ResolveCase) {
        let outcome = Self.resolver.resolve(example.path[...])
        #expect(example.expected.matches(outcome), "got \(outcome)")
    }

    @Test func aMountAtTheSiteRootGivesScriptNamesFromSlash() {
        let resolver = CGIScriptResolver(mountPath: "/", root: "/srv/cgi", fileSystem: FakeFileSystem.cgiBin)
        #expect(resolver.resolve("hello.sh/x") == .script(CGIScript(scriptName: "/hello.sh", pathInfo: "/x", filePath: "/srv/cgi/hello.sh")))
    }

    @Test func theFileSystemIsAskedOnlyInsideTheRoot() {
        let resolver = CGIScriptResolver(mountPath: "/cgi-bin", root: "/srv/cgi", fileSystem: FakeFileSystem(kinds: ["/etc/passwd": .file(executable: true)]))
        #expect(resolver.resolve("/etc/passwd") == .notFound)
    }
}

struct ScriptFileCase: Sendable, CustomTestStringConvertible {
    let filePath: String
    let fileName: String
    let directory: String
    let isNPH: Bool
    var testDescription: String { filePath }
}

@Suite("CGIScript")
struct ScriptTests {
    @Test(arguments: [
        ScriptFileCase(filePath: "/srv/cgi/nph-clock.sh", fileName: "nph-clock.sh", directory: "/srv/cgi", isNPH: true),
        ScriptFileCase(filePath: "/srv/cgi/hello.sh", fileName: "hello.sh", directory: "/srv/cgi", isNPH: false),
        ScriptFileCase(filePath: "/srv/nph-dir/hello.sh", fileName: "hello.sh", directory: "/srv/nph-dir", isNPH: false),
        ScriptFileCase(filePath: "/srv/cgi/my-nph-x.sh", fileName: "my-nph-x.sh", directory: "/srv/cgi", isNPH: false),
        ScriptFileCase(filePath: "/nph-root", fileName: "nph-root", directory: "/", isNPH: true),
        ScriptFileCase(filePath: "relative.sh", fileName: "relative.sh", directory: ".", isNPH: false),
        ScriptFileCase(filePath: "/srv/cgi/nph-\u{301}x.sh", fileName: "nph-\u{301}x.sh", directory: "/srv/cgi", isNPH: true),
        ScriptFileCase(filePath: "/srv/cgi/\u{301}x.sh", fileName: "\u{301}x.sh", directory: "/srv/cgi", isNPH: false),
    ])
    func fileNameDirectoryAndNPH(_ example: ScriptFileCase) {
        let script = CGIScript(scriptName: "/x", pathInfo: "", filePath: example.filePath)
        #expect(script.fileName == example.fileName)
        #expect(script.directory == example.directory, "§7.2 working directory")
        #expect(script.isNPH == example.isNPH, "§5.1 nph- prefix")
    }

    @Test func anNPHScriptResolvesAsNPH() throws {
        let resolver = CGIScriptResolver(mountPath: "/cgi-bin", root: "/srv/cgi", fileSystem: FakeFileSystem.cgiBin)
        guard case .script(let script) = resolver.resolve("nph-clock.sh") else {
            Issue.record("nph-clock.sh did not resolve")
            return
        }
        #expect(script.isNPH)
        #expect(script.scriptName == "/cgi-bin/nph-clock.sh")
    }
}
