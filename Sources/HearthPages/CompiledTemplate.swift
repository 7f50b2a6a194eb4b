import HearthHTTP
import HearthStatic
import Mustache

/// A template parsed once, with what pages need to know about it before
/// rendering: the version of the file it came from (to notice an edit),
/// the partials it names, and its directives.
struct CompiledTemplate: Sendable {
    /// The file, resolved under the root: what the log names.
    var file: String
    var version: FileVersion
    var source: String
    var template: MustacheTemplate
    var references: TemplateReferences
    var directives: PageDirectives

    /// Parses the file at `file`, a path already resolved under the root.
    static func compile(_ file: String) throws(PageError) -> CompiledTemplate {
        let text = try TemplateText.read(file)
        let directives = try PageDirectives.parse(text.text, file: file)
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: text.text)
        } catch let error as MustacheTemplate.ParserError {
            throw PageError(file: file, parserError: error)
        } catch {
            throw PageError(file: file, problem: .syntax("\(error)"))
        }
        return CompiledTemplate(
            file: file, version: text.version, source: text.text, template: template,
            references: TemplateReferences(template), directives: directives
        )
    }

    /// Resolves `path` (relative to the resolver's root) first, so that a
    /// symlink among the partials cannot lead out of the root or to a file
    /// that is not a template.
    static func compile(resolving path: String, with resolver: FileResolver) throws(PageError) -> CompiledTemplate {
        let target: FileResolver.Target
        do {
            target = try resolver.resolve(path.split(separator: "/").map(String.init))
        } catch {
            throw PageError(file: resolver.root + "/" + path, problem: .unreadable(error.message))
        }
        guard TemplateSource.isTemplate(target.resolved) else {
            throw PageError(file: target.requested, problem: .unreadable("leads to \(target.resolved), which is not a template"))
        }
        return try compile(target.resolved)
    }
}
