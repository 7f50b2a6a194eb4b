import HearthStatic
import Mustache

/// The partials a compiled template names: `{{> name}}`, and `{{< name}}`
/// (a parent, which swift-mustache also looks up among the partials), in
/// sections and parents' blocks too; and whether it uses a dynamic partial
/// (`{{>* name}}`).
///
/// swift-mustache keeps its tokens internal and renders a missing partial
/// as nothing and a recursive one until the stack overflows, so pages read
/// the parsed tokens through `Mirror` to check both before rendering. This
/// relies on the token cases being named `partial` and
/// `dynamicNamePartial` (swift-mustache 2.1.1); `TemplateReferencesTests`
/// fails if an upgrade renames them, rather than the checks going quiet.
struct TemplateReferences: Equatable, Sendable {
    var partials: Set<String> = []
    var usesDynamicPartial = false

    init(_ template: MustacheTemplate) {
        visit(template)
    }

    private mutating func visit(_ value: Any) {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .enum, let payload = mirror.children.first {
            switch payload.label {
            case "partial":
                // `.partial(String, indentation:, inherits:)`: the name comes first.
                if let name = payload.value as? String ?? Mirror(reflecting: payload.value).children.first?.value as? String {
                    partials.insert(name)
                }
            case "dynamicNamePartial":
                usesDynamicPartial = true
            default:
                break
            }
        }
        for child in mirror.children where !(child.value is String) {
            visit(child.value)
        }
    }
}

/// Where a template names a partial, for the log: the first line holding
/// `{{> name}}` or `{{< name}}` with the default delimiters; nil when the
/// template changed them.
func lineOfPartial(_ name: String, in source: String) -> Int? {
    for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        var rest = line[...]
        while let open = rest.firstRange(of: "{{") {
            rest = rest[open.upperBound...]
            guard let sigil = rest.first, sigil == ">" || sigil == "<" else { continue }
            let tag = rest.dropFirst().prefix { $0 != "}" }
            if tag.trimmingSpaces == name { return index + 1 }
        }
    }
    return nil
}
