import Foundation
import Yams

/// Loads every case file of a directory and checks the set: unique ids,
/// something to send, a sentence to cite.
public enum CaseLoader {
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(directory: String) throws -> [ConformanceCase] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard !files.isEmpty else { throw LoadError(description: "\(directory): no case files (*.yaml)") }
        var cases: [ConformanceCase] = []
        for file in files {
            cases += try load(file: directory + "/" + file)
        }
        try checkUnique(cases)
        return cases
    }

    public static func load(file path: String) throws -> [ConformanceCase] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let name = (path as NSString).lastPathComponent
        let decoded: [ConformanceCase]
        do {
            decoded = try YAMLDecoder().decode([ConformanceCase].self, from: text)
        } catch {
            throw LoadError(description: "\(path): \(error)")
        }
        return try decoded.map { item in
            var item = item
            item.file = name
            guard item.raw != nil || item.request != nil else {
                throw LoadError(description: "\(path): case \(item.id) has neither request nor raw")
            }
            guard !item.sentence.isEmpty, !item.section.isEmpty else {
                throw LoadError(description: "\(path): case \(item.id) cites no section or sentence")
            }
            return item
        }
    }

    static func checkUnique(_ cases: [ConformanceCase]) throws {
        var seen = Set<String>()
        for item in cases where !seen.insert(item.id).inserted {
            throw LoadError(description: "case id \(item.id) appears twice")
        }
    }

    /// Keeps the cases `only` names (ids, id prefixes ending in `.`, or
    /// classes) and drops those `skip` names.
    public static func select(_ cases: [ConformanceCase], only: [String], skip: [String]) -> [ConformanceCase] {
        cases.filter { item in
            (only.isEmpty || only.contains { matches(item, $0) }) && !skip.contains { matches(item, $0) }
        }
    }

    private static func matches(_ item: ConformanceCase, _ selector: String) -> Bool {
        item.id == selector || item.class.rawValue == selector.uppercased()
            || (selector.hasSuffix(".") && item.id.hasPrefix(selector))
    }
}
