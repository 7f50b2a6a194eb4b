import Mustache

/// The values of one form field, in order, as a page sees them: as a
/// variable the first value (`{{form.name}}`, like `HearthForm`'s
/// subscript and mod_python's `getfirst`), as a section every value
/// (`{{#form.topic}}<li>{{.}}</li>{{/form.topic}}`), which also suits a
/// field sent once. Transforms are an array's: `{{count(form.topic)}}`.
public struct PageFormValues: Sendable, Equatable, MustacheSequence, MustacheCustomRenderable, MustacheTransformable {
    public let values: [String]

    public init(_ values: [String]) {
        self.values = values
    }

    public func makeIterator() -> IndexingIterator<[String]> { values.makeIterator() }

    /// What `{{form.name}}` shows: the first value, escaped by the engine
    /// like any other text.
    public var renderText: String { values.first ?? "" }

    /// A field present with no value is still present: `{{^form.name}}`
    /// is for a field the form does not have.
    public var isNull: Bool { false }

    public func transform(_ name: String) -> Any? { values.transform(name) }
}
