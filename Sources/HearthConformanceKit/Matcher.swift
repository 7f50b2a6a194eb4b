import Foundation

/// Judges a response against an expectation; an empty list means it holds.
public enum Matcher {
    public static func failures(_ expect: Expectation, _ response: WireResponse) -> [String] {
        var failures: [String] = []
        if let status = expect.status, !status.codes.contains(response.status) {
            failures.append("status \(response.status), expected \(status.codes.map(String.init).joined(separator: " or "))")
        }
        failures += headerFailures(expect, response)
        failures += envFailures(expect, response)
        failures += bodyFailures(expect, response)
        if let crlf = expect.crlfHead, crlf != response.headUsesCRLF {
            failures.append(crlf ? "the response head has lines ending in a bare LF" : "the response head ends its lines in CR LF")
        }
        if let closed = expect.closed, closed != response.closed {
            failures.append(closed ? "the connection stayed open" : "the connection was closed")
        }
        if let alternatives = expect.anyOf, !alternatives.isEmpty {
            let results = alternatives.map { Matcher.failures($0, response) }
            if !results.contains(where: { $0.isEmpty }) {
                failures.append("none of the allowed behaviours: " + results.map { "(" + $0.joined(separator: "; ") + ")" }.joined(separator: " | "))
            }
        }
        return failures
    }

    static func headerFailures(_ expect: Expectation, _ response: WireResponse) -> [String] {
        var failures: [String] = []
        for (name, value) in (expect.headers ?? [:]).sorted(by: { $0.key < $1.key }) where response.header(name) != value {
            failures.append("header \(name): \(describe(response.header(name))), expected \(value.debugDescription)")
        }
        for name in expect.headersPresent ?? [] where response.header(name) == nil {
            failures.append("header \(name) missing")
        }
        for name in expect.headersAbsent ?? [] where response.header(name) != nil {
            failures.append("header \(name) present: \(describe(response.header(name)))")
        }
        for (name, pattern) in (expect.headerMatches ?? [:]).sorted(by: { $0.key < $1.key }) where !matches(response.header(name), pattern) {
            failures.append("header \(name): \(describe(response.header(name))) does not match /\(pattern)/")
        }
        return failures
    }

    static func envFailures(_ expect: Expectation, _ response: WireResponse) -> [String] {
        guard expect.env != nil || expect.envAbsent != nil || expect.envMatches != nil else { return [] }
        let env = environment(response.bodyText)
        var failures: [String] = []
        for (name, value) in (expect.env ?? [:]).sorted(by: { $0.key < $1.key }) where env[name] != value {
            failures.append("\(name) is \(describe(env[name])), expected \(value.debugDescription)")
        }
        for name in expect.envAbsent ?? [] where env[name] != nil {
            failures.append("\(name) is set: \(describe(env[name]))")
        }
        for (name, pattern) in (expect.envMatches ?? [:]).sorted(by: { $0.key < $1.key }) where !matches(env[name], pattern) {
            failures.append("\(name) is \(describe(env[name])), does not match /\(pattern)/")
        }
        return failures
    }

    static func bodyFailures(_ expect: Expectation, _ response: WireResponse) -> [String] {
        var failures: [String] = []
        let text = response.bodyText
        if let body = expect.body, text != body {
            failures.append("body \(describe(String(text.prefix(120)))), expected \(body.prefix(120).debugDescription)")
        }
        for needle in expect.bodyContains ?? [] where !text.contains(needle) {
            failures.append("body lacks \(needle.debugDescription)")
        }
        for needle in expect.bodyNotContains ?? [] where text.contains(needle) {
            failures.append("body contains \(needle.debugDescription)")
        }
        if let prefix = expect.rawPrefix, !response.raw.starts(with: Array(prefix.utf8)) {
            failures.append("wire starts \(String(decoding: response.raw.prefix(40), as: UTF8.self).debugDescription), expected \(prefix.debugDescription)")
        }
        return failures
    }

    /// The env.sh probe's `NAME=value` lines.
    static func environment(_ text: String) -> [String: String] {
        var env: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            env[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return env
    }

    static func matches(_ value: String?, _ pattern: String) -> Bool {
        guard let value else { return false }
        return value.range(of: pattern, options: .regularExpression) != nil
    }

    static func describe(_ value: String?) -> String { value.map { $0.debugDescription } ?? "absent" }
}
