import ArgumentParser
import Foundation
import HearthConformanceKit

/// `hearth conformance`: scores any CGI server against the RFC 3875 suite.
struct Conformance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the RFC 3875 conformance suite against a CGI server.",
        discussion: "Install conformance/cgi-bin/ into the server's CGI directory first (cp -p keeps the modes)."
    )

    @Option(help: "The server's CGI directory URL, e.g. http://127.0.0.1:8080/cgi-bin/.")
    var target: String

    @Option(help: "The directory of case files. Default: conformance/cases here, else the one of the repository the hearth executable was built in.")
    var cases: String?

    @Option(parsing: .upToNextOption, help: "Run only these case ids, id prefixes ending in '.', or classes (MUST, SHOULD, MAY, SECURITY, ROBUST).")
    var only: [String] = []

    @Option(parsing: .upToNextOption, help: "Skip these case ids, prefixes or classes.")
    var skip: [String] = []

    @Option(name: .customLong("report-dir"), help: "Where conformance.md and conformance.json are written.")
    var reportDirectory: String = "conformance/out"

    @Option(help: "The server's name in the report.")
    var server: String = "server under test"

    func run() async throws {
        guard let target = ConformanceTarget(url: target) else {
            throw ValidationError("--target must look like http://HOST:PORT/cgi-bin/")
        }
        let selected = CaseLoader.select(try CaseLoader.load(directory: try caseDirectory()), only: only, skip: skip)
        guard !selected.isEmpty else { throw ValidationError("no case selected") }
        if let reason = await WireClient().unreachable(target) {
            throw Failure(message: "cannot connect to \(target.hostHeader) (the --target): \(reason)", code: .failure)
        }
        let results = await ConformanceRunner(target: target).run(selected)
        let report = ConformanceReport(server: server, target: target, results: results)
        for result in results { print(report.line(for: result)) }
        print(report.summaryLine)
        try report.write(to: reportDirectory)
        print("reports: \(reportDirectory)/conformance.md, \(reportDirectory)/conformance.json")
        if !report.requiredPassed { throw ExitCode(1) }
    }

    /// `--cases` as given, which must exist; else `conformance/cases` in
    /// the working directory, or in the repository the executable was built
    /// in (`.build/debug/hearth` lies three levels below it).
    private func caseDirectory() throws -> String {
        if let cases {
            guard Self.isDirectory(cases) else { throw Failure(message: "--cases: \(cases) is not a directory", code: .configuration) }
            return cases
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        var candidates = [FileManager.default.currentDirectoryPath + "/conformance/cases"]
        while directory.path != "/" {
            candidates.append(directory.path + "/conformance/cases")
            directory.deleteLastPathComponent()
        }
        guard let found = candidates.first(where: Self.isDirectory) else {
            throw Failure(
                message: "no conformance/cases directory here or above the hearth executable; give --cases DIR (the conformance/cases folder of Hearth's repository)",
                code: .configuration
            )
        }
        return found
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}
