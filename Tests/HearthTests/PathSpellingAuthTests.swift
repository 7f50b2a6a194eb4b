import Foundation
import Hearth
import HearthWorkers
import HearthTesting
import Testing

/// SECURITY.md, "one reading of a path": a protected mount nested under an
/// unprotected `/` answers 401 however a client spells its path. Hearth
/// 6434200 chose the mount on the raw path, so `//private/x` and
/// `/%70rivate/x` fell to the `/` mount, which served the protected file.
/// Every kind of mount is protected here and probed with every spelling.
@Suite struct PathSpellingAuthTests {
    /// The protected mounts: their URL (each with a letter whose escape has
    /// a hex letter, for mixed-case escapes), a resource, and a marker the
    /// resource's answer carries and nothing else does.
    struct Target: Sendable, CustomStringConvertible {
        var mount: String
        var rest: String
        var marker: String
        var description: String { mount + rest }
    }

    static let targets = [
        Target(mount: "/locked", rest: "/secret.txt", marker: "STATIC-SECRET"),
        Target(mount: "/cgi-bin", rest: "/secret.sh", marker: "CGI-SECRET"),
        Target(mount: "/pool", rest: "/anything", marker: "FASTCGI-SECRET"),
        Target(mount: "/notes", rest: "/secret", marker: "PAGE-SECRET"),
        Target(mount: "/book", rest: "/vault/open", marker: "PUBLISHED-SECRET"),
        Target(mount: "/hot", rest: "/x", marker: "HOT-SECRET"),
    ]

    /// Spellings of `mount + rest` that name the same resource: each must
    /// be challenged exactly as the plain one is.
    static func sameResource(_ target: Target) -> [String] {
        let mount = target.mount, rest = target.rest
        let first = mount.dropFirst().first!
        let escaped = "%" + String(first.asciiValue!, radix: 16, uppercase: true)
        // The first letter whose escape has a hex letter, in lower case.
        let letter = mount.first { "jklnoz".contains($0) }!
        let lower = mount.replacingOccurrences(of: String(letter), with: "%" + String(letter.asciiValue!, radix: 16, uppercase: false))
        let upper = mount.replacingOccurrences(of: String(letter), with: "%" + String(letter.asciiValue!, radix: 16, uppercase: true))
        return [
            "GET \(mount)\(rest)", "GET /\(mount)\(rest)", "GET //\(mount)//\(rest)", "GET /\(escaped)\(mount.dropFirst(2))\(rest)",
            "GET \(lower)\(rest)", "GET \(upper)\(rest)", "GET http://test\(mount)\(rest)", "GET http://test/\(mount)\(rest)",
            "GET HTTP://test\(upper)\(rest)",
        ]
    }

    /// Spellings that are refused outright (dot segments, encoded slashes,
    /// NUL): never the resource, never another mount's file.
    static func refused(_ target: Target) -> [String] {
        let mount = target.mount, rest = target.rest
        return [
            "GET /.\(mount)\(rest)", "GET \(mount)/.\(rest)", "GET /x/..\(mount)\(rest)", "GET /%2e\(mount)\(rest)",
            "GET \(mount)%2f\(rest.dropFirst())", "GET \(mount)%2F\(rest.dropFirst())", "GET %2F\(mount.dropFirst())\(rest)",
            "GET \(mount)%00\(rest)",
        ]
    }

    static let credentials = "Authorization: Basic " + Data("alice:wonderland".utf8).base64EncodedString()

    func start(_ directory: TemporaryDirectory) async throws -> CGITestSite {
        let htpasswd = try directory.write("htpasswd", Array(try BasicAuthLiveTests.htpasswd("B", user: "alice", password: "wonderland").utf8))
        try directory.write("site/index.html", "home")
        try directory.write("site/locked/secret.txt", "STATIC-SECRET\n")
        try directory.write("site/notes/secret.mustache", "PAGE-SECRET\n")
        let worker = try directory.write("worker.pl", #"""
            use CGI::Fast;
            while (my $q = CGI::Fast->new) { print "Content-Type: text/plain\r\n\r\nFASTCGI-SECRET $ENV{PATH_INFO}\n"; }
            """#)
        let hot = HandlerFunction { request in .text("HOT-SECRET \(request.pathInfo)\n") }
        var vault = PublishedObject()
        try vault.publish("open") { "PUBLISHED-SECRET" }
        var publisher = Publisher(logger: TestLog.logger())
        try publisher.publish("vault", vault)
        let auth = BasicAuthConfiguration(realm: "Private", passwords: .htpasswd(path: htpasswd))
        return try await CGITestSite.start(
            scripts: ["secret.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nCGI-SECRET\\n'\n"],
            site: { site in
                site.staticMounts = [
                    StaticFilesConfiguration(urlPath: "/", root: directory.path + "/site"),
                    StaticFilesConfiguration(urlPath: "/locked", root: directory.path + "/site/locked"),
                    StaticFilesConfiguration(urlPath: "/notes", root: directory.path + "/site/notes", pages: true),
                ]
                site.fastCGIMounts = [FastCGIMountConfiguration(urlPath: "/pool", backend: .pool(WorkerPoolConfiguration(command: ["/usr/bin/perl", worker])))]
                for target in Self.targets { site.authentication[target.mount] = auth }
            },
            builder: { builder in
                builder.mount("/hot", handler: hot)
                builder.mount("/book", handler: publisher)
            }
        )
    }

    @Test(arguments: targets)
    func everySpellingOfAProtectedPathIsChallenged(_ target: Target) async throws {
        let directory = try TemporaryDirectory()
        let site = try await start(directory)
        var challenged: [(String, RawResponse)] = []
        var authorized: [(String, RawResponse)] = []
        var refused: [(String, RawResponse)] = []
        for line in Self.sameResource(target) {
            challenged.append((line, try await site.request("\(line) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")))
            authorized.append((line, try await site.request("\(line) HTTP/1.1\r\nHost: test\r\n\(Self.credentials)\r\nConnection: close\r\n\r\n")))
        }
        for line in Self.refused(target) {
            refused.append((line, try await site.request("\(line) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")))
        }
        try await site.stop()
        for (line, response) in challenged {
            #expect(response.status == 401, "\(line): \(response.statusLine) \(response.text)")
            #expect(!response.text.contains(target.marker), "\(line)")
        }
        // With credentials each spelling reaches the resource itself: the
        // 401s above are the mount's challenge, not a blanket refusal.
        for (line, response) in authorized {
            #expect(response.status == 200 && response.text.contains(target.marker), "\(line): \(response.statusLine) \(response.text)")
        }
        for (line, response) in refused {
            #expect([400, 404].contains(response.status), "\(line): \(response.statusLine)")
            #expect(!response.text.contains(target.marker), "\(line)")
        }
    }

    /// A file is served only by its own mount: reached through the `/`
    /// mount by a symlink, the protected directory's file is refused.
    @Test func anotherMountsRootIsForbiddenToAStaticMount() async throws {
        let directory = try TemporaryDirectory()
        let site = try await start(directory)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/site/alias", withDestinationPath: directory.path + "/site/locked")
        let response = try await site.get("/alias/secret.txt")
        let home = try await site.get("/index.html")
        try await site.stop()
        #expect(home.text == "home", "the / mount serves its own files")
        #expect(response.status == 403, "\(response.statusLine)")
        #expect(!response.text.contains("STATIC-SECRET"))
    }
}
