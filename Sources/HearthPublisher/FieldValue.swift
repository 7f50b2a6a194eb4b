/// One value of a field, converted to the property's type. Every refusal
/// names the field and what it must be, never the value: the 400 page and
/// the log line echo nothing the client sent.
struct FieldValue: SingleValueDecodingContainer {
    let key: any CodingKey
    let item: FieldItem
    var codingPath: [any CodingKey] { [key] }

    static let dateProblem = "must be an ISO 8601 date (2024-05-01) or date-time (2024-05-01T13:45:00Z)"

    func decodeNil() -> Bool {
        if case .text(let text) = item { return text.isEmpty }
        return false
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .text(let text) = item else { throw problem("must be text, not a file") }
        return text
    }

    /// HTML checkboxes send `on`; people and programs write the rest.
    func decode(_ type: Bool.Type) throws -> Bool {
        switch try decode(String.self).lowercased() {
        case "true", "on", "yes", "1": return true
        case "false", "off", "no", "0": return false
        default: throw problem("must be true or false (true/false, on/off, yes/no, 1/0)")
        }
    }

    func decode(_ type: Double.Type) throws -> Double { try number() }
    func decode(_ type: Float.Type) throws -> Float { try number() }
    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try FieldDecoder.decode(type, from: FieldDecoder(key: key, items: [item], isElement: true))
    }

    /// Decimal digits with an optional sign, in the type's range.
    private func integer<T: FixedWidthInteger>() throws -> T {
        guard let value = T(try decode(String.self), radix: 10) else {
            throw problem(T.isSigned ? "must be an integer" : "must be a whole number, 0 or more")
        }
        return value
    }

    /// Swift's own spelling of a decimal (`12`, `-1.5`, `2e3`); NaN and the
    /// infinities are refused, since no form means them.
    private func number<T: BinaryFloatingPoint & LosslessStringConvertible>() throws -> T {
        guard let value = T(try decode(String.self)), value.isFinite else { throw problem("must be a number") }
        return value
    }

    private func problem(_ text: String) -> FieldProblem {
        FieldProblem(field: key.stringValue, problem: text)
    }
}

/// A field the client got wrong: a 400 naming it.
struct FieldProblem: Error {
    let field: String
    let problem: String

    static func missing(_ key: any CodingKey) -> FieldProblem {
        FieldProblem(field: key.stringValue, problem: "is required")
    }
}

/// An arguments type a form cannot fill — a programming error, found on the
/// first request that reaches it: 500, and a log line naming the field.
struct UnsupportedArgument: Error, CustomStringConvertible {
    let field: String
    let detail: String

    static func nested(_ key: any CodingKey) -> UnsupportedArgument {
        UnsupportedArgument(
            field: key.stringValue,
            detail: "a nested type (a struct, a dictionary, a list of lists) cannot come from a form; use flat fields"
        )
    }

    var description: String { "arguments type: field \(field.debugDescription): \(detail)" }
}
