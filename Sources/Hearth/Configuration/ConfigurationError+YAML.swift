import Yams

extension ConfigurationError {
    /// A YAML syntax error, at the position libyaml reports. Duplicate keys
    /// are found by Yams before any key path exists, so they name the key
    /// and its first occurrence only.
    init(yaml error: YamlError, file: String) {
        let key = ConfigurationNode.documentKey
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            // libyaml's context says where the broken construct began.
            let began = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            self.init(key: key, message: "YAML syntax error: \(problem)\(began)", position: (file, mark.line, mark.column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            let position = (file, context.mark.line, context.mark.column)
            self.init(key: key, message: "duplicate key \(names) in one mapping", position: position)
        case .reader(let problem, let offset, _, let yaml):
            let position = offset.map { Self.position(ofCharacter: $0, in: yaml, file: file) }
            self.init(key: key, message: "YAML syntax error: \(problem)", position: position)
        default:
            self.init(key: key, message: "YAML error: \(error)", position: nil)
        }
    }

    /// Line and column (from 1) of a character offset, as libyaml counts them.
    private static func position(ofCharacter offset: Int, in text: String, file: String) -> (file: String, line: Int, column: Int) {
        let before = text.prefix(offset)
        let line = before.count(where: \.isNewline) + 1
        let column = before.reversed().prefix { !$0.isNewline }.count + 1
        return (file, line, column)
    }
}
