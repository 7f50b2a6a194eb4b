import Foundation
import HearthTesting
import Testing

/// Debian's gitweb, its tree as installed, served by the real `hearth`
/// with a configuration of docs/legacy-apps.md ("gitweb, cold and warm"),
/// as written there but for its paths: a throwaway repository is the
/// project root, and gitweb's configuration file lies in a temporary
/// directory.
final class GitwebSite: Sendable {
    static let tree = "/usr/share/gitweb"
    static let git = "/usr/bin/git"
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: tree + "/gitweb.cgi") && FileManager.default.isExecutableFile(atPath: git)
    }

    static let project = "hearth-test.git"
    static let projectDescription = "The Hearth test repository"
    static let message = "Known commit message 4c1d"
    static let fileName = "hello.txt"
    static let fileText = "hello from the gitweb test\n"

    /// The YAML blocks of the page's gitweb section, in order.
    enum Configuration: Int {
        case debianDefault, cold, warm
    }

    let hearth: HearthProcess
    /// The commit's full hash, as git printed it.
    let commit: String
    private let directory: TemporaryDirectory

    private init(hearth: HearthProcess, commit: String, directory: TemporaryDirectory) {
        self.hearth = hearth
        self.commit = commit
        self.directory = directory
    }

    /// Makes the repository and gitweb's configuration, then
    /// starts `hearth serve` with the page's YAML block (`edit` may change
    /// it), an access log of `path status script worker` lines added.
    static func start(_ configuration: Configuration, edit: (String) -> String = { $0 }) async throws -> GitwebSite {
        let directory = try TemporaryDirectory()
        // git runs and is waited for on a thread of its own, never on the
        // cooperative pool that the servers of the other suites share.
        let commit = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try makeRepository(in: directory) }) }.start()
        }
        let page = try DocumentationPage.section("gitweb, cold and warm", of: "docs/legacy-apps.md")
        let local = { (text: String) in
            text.replacingOccurrences(of: "/etc/hearth/", with: directory.path + "/")
                .replacingOccurrences(of: "/srv/git", with: directory.path + "/projects")
        }
        try directory.write("gitweb.conf", local(try page.block("perl", 0)))
        let yaml = local(edit(try page.block("yaml", configuration.rawValue)))
            + "access_log: \(directory.path)/access.log\naccess_log_format: '%U%q %>s %{script}n %{worker}n'\n"
        try directory.write("site.yaml", yaml)
        let hearth = try await HearthProcess.start(["--config", directory.path + "/site.yaml"], workingDirectory: directory.path)
        return GitwebSite(hearth: hearth, commit: commit, directory: directory)
    }

    /// A repository with one commit of one file, cloned bare into
    /// `projects/` as gitweb expects; returns the commit's hash.
    private static func makeRepository(in directory: TemporaryDirectory) throws -> String {
        try directory.write("work/" + fileName, fileText)
        try run(["init", "-q", "-b", "main", "."], in: directory.path + "/work", home: directory.path)
        try run(["add", fileName], in: directory.path + "/work", home: directory.path)
        try run(["commit", "-q", "-m", message], in: directory.path + "/work", home: directory.path)
        try run(["clone", "-q", "--bare", "work", "projects/" + project], in: directory.path, home: directory.path)
        try directory.write("projects/\(project)/description", projectDescription + "\n")
        return try run(["rev-parse", "HEAD"], in: directory.path + "/work", home: directory.path)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git with a fixed identity and date and no user or system
    /// configuration of this machine; throws unless it succeeds.
    @discardableResult
    private static func run(_ arguments: [String], in directory: String, home: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: git)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let date = "2026-01-02T03:04:05+0000"
        process.environment = [
            "PATH": "/usr/bin:/bin", "HOME": home, "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Hearth Test", "GIT_AUTHOR_EMAIL": "test@example.test", "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": "Hearth Test", "GIT_COMMITTER_EMAIL": "test@example.test", "GIT_COMMITTER_DATE": date,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RawClientError.malformed("git \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return text
    }

    var port: Int { hearth.port }

    /// `GET path` on a new connection.
    func get(_ path: String, headers: [String] = []) async throws -> RawResponse {
        try await request("GET \(path) HTTP/1.1\r\nHost: test\r\n" + headers.map { $0 + "\r\n" }.joined() + "Connection: close\r\n\r\n")
    }

    func request(_ text: String, head: Bool = false) async throws -> RawResponse {
        try await rawRequest(text, port: hearth.port, head: head)
    }

    /// Runs `body`, then stops the server (SIGTERM) whether `body` threw
    /// or not; a server that does not exit cleanly fails the test.
    func whileServing(_ body: (GitwebSite) async throws -> Void) async throws {
        let status = try await hearth.stopping { try await body(self) }
        #expect(status == 0, "\(hearth.errors)")
    }

    /// The access log's lines, `path status script worker`, once stopped.
    var accessLog: [String] {
        ((try? String(contentsOfFile: directory.path + "/access.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

/// One `## ` section of a page under docs/, and its fenced code blocks.
struct DocumentationPage {
    let text: String

    static func section(_ title: String, of page: String) throws -> DocumentationPage {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let whole = try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)
        let start = try #require(whole.range(of: "\n## \(title)\n"), "\(page) has no section \(title)")
        let rest = whole[start.upperBound...]
        return DocumentationPage(text: String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)]))
    }

    /// The `index`th block fenced as `language`.
    func block(_ language: String, _ index: Int) throws -> String {
        let blocks = text.components(separatedBy: "```\(language)\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        return try #require(blocks.dropFirst(index).first, "no \(language) block \(index) in the section")
    }
}
