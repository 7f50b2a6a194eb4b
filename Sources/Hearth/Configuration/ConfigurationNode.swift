import Yams

/// A YAML node together with the key path that led to it (`cgi[0].io_timeout`)
/// and the file it came from, so every error can name both.
struct ConfigurationNode {
    /// Where the document came from; relative paths in it are resolved
    /// against `baseDirectory`.
    struct Source {
        var file: String
        var baseDirectory: String
    }

    /// One `key: value` pair of a mapping; `key` is kept for the position of
    /// an unknown key.
    struct Entry {
        var name: String
        var key: ConfigurationNode
        var value: ConfigurationNode
    }

    let node: Node
    let keyPath: String
    let source: Source

    /// The key named in errors about the document itself.
    static let documentKey = "(document)"

    func error(_ message: String) -> ConfigurationError {
        let position = node.mark.map { (file: source.file, line: $0.line, column: $0.column) }
        return ConfigurationError(key: keyPath.isEmpty ? Self.documentKey : keyPath, message: message, position: position)
    }

    /// `a mapping`, `a list`, `no value`, `"abc"`: what was found instead.
    var found: String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar): isNull ? "no value" : "\"\(scalar.string)\""
        }
    }

    /// An empty value, `~` or `null`, unquoted (YAML core schema).
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The pairs of a mapping, in document order.
    func entries() throws -> [Entry] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, found \(found)") }
        return try mapping.map { key, value in
            let keyNode = ConfigurationNode(node: key, keyPath: keyPath, source: source)
            guard case .scalar(let scalar) = key else { throw keyNode.error("a key must be plain text, found \(keyNode.found)") }
            let path = keyPath.isEmpty ? scalar.string : "\(keyPath).\(scalar.string)"
            return Entry(
                name: scalar.string,
                key: ConfigurationNode(node: key, keyPath: path, source: source),
                value: ConfigurationNode(node: value, keyPath: path, source: source)
            )
        }
    }

    /// The value stored under `name` in a mapping, if present.
    func child(_ name: String) -> ConfigurationNode? {
        (try? entries())?.first { $0.name == name }?.value
    }

    /// The items of a list, each with its index in the key path.
    func items() throws -> [ConfigurationNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, found \(found)") }
        return sequence.enumerated().map { index, item in
            ConfigurationNode(node: item, keyPath: "\(keyPath)[\(index)]", source: source)
        }
    }

    /// The text of a scalar, quoted or not; anything else, or no value, is an error.
    func text(expecting what: String = "text") throws -> String {
        guard case .scalar(let scalar) = node, !isNull else { throw error("expected \(what), found \(found)") }
        return scalar.string
    }

    /// The text of an unquoted scalar: how integers and booleans are written.
    private func plainText(expecting what: String) throws -> String {
        guard case .scalar(let scalar) = node, scalar.style == .plain, !isNull else {
            throw error("expected \(what), found \(found)")
        }
        return scalar.string
    }

    /// A decimal integer within `range`.
    func integer(in range: ClosedRange<Int>) throws -> Int {
        let text = try plainText(expecting: "an integer")
        return try check(parse(text, ConfigurationValue.integer, expecting: "an integer"), in: range)
    }

    /// `true` or `false` (YAML 1.2 core schema); never yes/no/on/off.
    func boolean() throws -> Bool {
        let text = try plainText(expecting: "true or false")
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error("expected true or false, found \(found)")
        }
    }

    /// Bytes: `65536`, `64K`, `16M`, `1G` (1024-based), within `range`.
    func size(in range: ClosedRange<Int>) throws -> Int {
        let what = "a size in bytes, optionally with a K, M or G suffix"
        return try check(parse(try text(expecting: what), ConfigurationValue.size, expecting: what), in: range)
    }

    /// A duration: `500ms`, `15s`, `2m`, `1h`, or plain seconds; at least `minimum`.
    func duration(atLeast minimum: Duration) throws -> Duration {
        let what = "a duration such as 500ms, 15s, 2m, 1h or a number of seconds"
        let value = try parse(try text(expecting: what), ConfigurationValue.duration, expecting: what)
        guard value >= minimum else { throw error(minimum == .zero ? "must not be negative" : "must be more than zero") }
        return value
    }

    /// A path; a relative one is made absolute against the config file's
    /// directory (existence is checked at start-up, not here).
    func path() throws -> String {
        let text = try text(expecting: "a path")
        guard !text.isEmpty else { throw error("must not be empty") }
        guard !text.utf8.contains(0) else { throw error("must not contain a NUL byte") }
        return ConfigurationValue.path(text, relativeTo: source.baseDirectory)
    }

    /// A value from a fixed set of words, e.g. a log level.
    func word<Value>(_ choices: [(String, Value)]) throws -> Value {
        let text = try text(expecting: "one of \(choices.map(\.0).joined(separator: ", "))")
        guard let choice = choices.first(where: { $0.0 == text }) else {
            throw error("expected one of \(choices.map(\.0).joined(separator: ", ")), found \(found)")
        }
        return choice.1
    }

    private func parse<Value>(
        _ text: String, _ parser: (String) throws(ConfigurationValue.Problem) -> Value, expecting what: String
    ) throws -> Value {
        do {
            return try parser(text)
        } catch .malformed {
            throw error("expected \(what), found \(found)")
        } catch .tooLarge {
            throw error("\(text) is too large")
        }
    }

    private func check(_ value: Int, in range: ClosedRange<Int>) throws -> Int {
        if value > range.upperBound { throw error("must be at most \(range.upperBound)") }
        if value < range.lowerBound {
            throw error(range.lowerBound == 0 ? "must not be negative" : "must be at least \(range.lowerBound)")
        }
        return value
    }
}
