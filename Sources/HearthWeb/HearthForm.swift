/// A request's form: its text fields in the order they came (query string
/// first, then the body, as mod_python's `util.FieldStorage` reads them),
/// and its uploaded files.
public struct HearthForm: Sendable {
    /// Every text field, repeated names included, in order.
    public private(set) var fields: [(name: String, value: String)] = []
    /// Every uploaded file, in order.
    public private(set) var uploads: [HearthUploadedFile] = []

    public init() {}

    /// The first value of `name`, or nil when the form has no such field.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order (`<select multiple>`, checkboxes).
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// Every file uploaded under the field `name`, in order.
    public func files(_ name: String) -> [HearthUploadedFile] {
        uploads.filter { $0.fieldName == name }
    }

    mutating func append(name: String, value: String) {
        fields.append((name, value))
    }

    mutating func append(_ file: HearthUploadedFile) {
        uploads.append(file)
    }
}
