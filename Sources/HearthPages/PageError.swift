import Mustache

/// A template that cannot be rendered, with where the problem is. It goes
/// to the error log only: the client gets a plain 500 (`ErrorMapping`), so
/// neither the template's source nor the parser's words ever reach it.
public struct PageError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// The Mustache parser refused the text; its reason, in words.
        case syntax(String)
        /// The file is not UTF-8 text.
        case notUTF8
        /// The file is larger than a template may be.
        case tooLarge(limit: Int)
        /// The file could not be opened or read.
        case unreadable(String)
        /// `{{> name}}` or `{{< name}}` names no file in `_partials/`.
        case missingPartial(String)
        /// Partials that include each other, in the order they do.
        case partialCycle([String])
        /// `{{>* name}}`: a partial named by the scope, refused.
        case dynamicPartial
        /// A `{{! Cache-Control: … }}` line whose value is not a field value.
        case badDirective(String)
    }

    /// The template's file, as resolved under the root.
    public var file: String
    /// 1-based; nil when the problem has no single place.
    public var line: Int?
    public var column: Int?
    public var problem: Problem

    public init(file: String, line: Int? = nil, column: Int? = nil, problem: Problem) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    /// `file:line:column: problem`, the compilers' format, so an editor can
    /// jump to it from the log.
    public var description: String {
        let place = [line, column].compactMap { $0.map(String.init) }.map { ":" + $0 }.joined()
        return "\(file)\(place): \(message)"
    }

    private var message: String {
        switch problem {
        case .syntax(let reason): reason
        case .notUTF8: "not UTF-8 text"
        case .tooLarge(let limit): "larger than \(limit) bytes"
        case .unreadable(let reason): "cannot be read: \(reason)"
        case .missingPartial(let name): "uses the partial \"\(name)\", which is not in _partials/"
        case .partialCycle(let names): "partials include each other: \(names.joined(separator: " > "))"
        case .dynamicPartial: "uses a dynamic partial ({{>*name}}), which pages refuse: request data could pick the template"
        case .badDirective(let text): "bad directive \(text)"
        }
    }
}

extension PageError {
    /// The parser's error at its place, with the offending line quoted for
    /// the log. Where the parser ran off the end of the file (a tag or a
    /// section never closed) the place is the end.
    init(file: String, parserError: MustacheTemplate.ParserError) {
        let context = parserError.context
        var quoted = String(context.line.drop { $0 == " " || $0 == "\t" })
        if quoted.count > 120 { quoted = String(quoted.prefix(120)) + "…" }
        let reason = Self.reason(parserError.error)
        self.init(
            file: file, line: context.lineNumber, column: context.columnNumber,
            problem: .syntax(quoted.isEmpty ? reason : "\(reason) in: \(quoted)")
        )
    }

    private static func reason(_ error: any Error) -> String {
        // The parser's own reader throws only when it runs out of text.
        guard let error = error as? MustacheTemplate.Error else { return "the file ends inside a tag: a {{ is never closed" }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed with another name than it was opened with"
        case .unfinishedName: return "a tag is not closed, or its name holds a character names may not"
        case .expectedSectionEnd: return "a section is never closed"
        case .invalidSetDelimiter: return "bad set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "a transform on an inheritance section"
        case .illegalTokenInsideInheritSection: return "a tag not allowed inside a parent's section"
        case .textInsideInheritSection: return "text inside a parent's section"
        case .invalidConfigVariableSyntax: return "bad pragma tag"
        case .unrecognisedConfigVariable: return "unknown pragma"
        }
    }
}
