import Foundation

/// The outcome of one run, and its three renderings: a line per case for
/// the terminal, Markdown and JSON for the record.
public struct ConformanceReport: Codable, Sendable {
    public struct Tally: Codable, Sendable, Equatable {
        public var passed: Int
        public var total: Int
    }

    public var server: String
    public var target: String
    public var date: String
    public var results: [CaseResult]

    public init(server: String, target: ConformanceTarget, results: [CaseResult], date: Date = Date()) {
        self.server = server
        self.target = "http://\(target.hostHeader)\(target.base)/"
        self.date = ISO8601DateFormatter().string(from: date)
        self.results = results
    }

    /// passed/total for each class that has cases.
    public var summary: [(ConformanceCase.Class, Tally)] {
        ConformanceCase.Class.allCases.compactMap { kind in
            let of = results.filter { $0.class == kind }
            return of.isEmpty ? nil : (kind, Tally(passed: of.filter(\.passed).count, total: of.count))
        }
    }

    /// True when every MUST and SECURITY case passed.
    public var requiredPassed: Bool { results.allSatisfy { $0.passed || !$0.class.isRequired } }

    public func line(for result: CaseResult) -> String {
        let verdict = result.passed ? "PASS" : "FAIL"
        let detail = result.passed ? "" : " — " + result.failures.joined(separator: "; ")
        return "\(verdict)  \(result.class.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(result.id) (\(result.section))\(detail)"
    }

    public var summaryLine: String {
        summary.map { "\($0.0.rawValue) \($0.1.passed)/\($0.1.total)" }.joined(separator: ", ")
            + (requiredPassed ? " — every MUST and SECURITY case passed" : " — MUST or SECURITY failures")
    }

    public var markdown: String {
        var text = "# RFC 3875 conformance: \(server)\n\nTarget `\(target)`, run \(date).\n\n"
        text += "| class | passed | total |\n|---|---|---|\n"
        for (kind, tally) in summary { text += "| \(kind.rawValue) | \(tally.passed) | \(tally.total) |\n" }
        let failed = results.filter { !$0.passed }
        text += "\n## Failed (\(failed.count))\n\n"
        if failed.isEmpty { text += "None.\n" }
        for result in failed {
            text += "- **\(result.id)** (\(result.class.rawValue), \(result.section)): \(escape(result.failures.joined(separator: "; ")))\n"
        }
        text += "\n## Every case\n\n| case | class | section | result |\n|---|---|---|---|\n"
        for result in results {
            text += "| \(result.id) | \(result.class.rawValue) | \(result.section) | \(result.passed ? "pass" : "**fail**") |\n"
        }
        return text
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Writes `conformance.md` and `conformance.json` into `directory`.
    public func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(markdown.utf8).write(to: URL(fileURLWithPath: directory + "/conformance.md"))
        try json().write(to: URL(fileURLWithPath: directory + "/conformance.json"))
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
