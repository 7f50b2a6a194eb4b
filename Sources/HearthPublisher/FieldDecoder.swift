#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HearthWeb

/// One field (or, inside a repeated field, one of its values) as a
/// `Decoder`: a single value for scalars and `String` enums, a list of its
/// values for arrays. A keyed container would be a nested type: refused.
struct FieldDecoder: Decoder {
    let key: any CodingKey
    let items: [FieldItem]
    /// A value inside a repeated field, which cannot itself be a list.
    let isElement: Bool
    var codingPath: [any CodingKey] { [key] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw UnsupportedArgument.nested(key)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard !isElement else { throw UnsupportedArgument.nested(key) }
        return FieldValues(key: key, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        guard let item = items.first else { throw FieldProblem.missing(key) }
        return FieldValue(key: key, item: item)
    }

    /// The uploaded file (`FileUpload`), or a 400 when the field is text.
    func file() throws -> HearthUploadedFile {
        switch items.first {
        case .file(let file): return file
        case .text: throw FieldProblem(field: key.stringValue, problem: "must be a file upload")
        case nil: throw FieldProblem.missing(key)
        }
    }

    /// `T` from one field. Dates are read here: `Date`'s own Decodable
    /// wants seconds since 2001, no one's idea of a form value.
    static func decode<T: Decodable>(_ type: T.Type, from decoder: FieldDecoder) throws -> T {
        if T.self == Date.self {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = ISO8601Date.parse(text[...]) else {
                throw FieldProblem(field: decoder.key.stringValue, problem: FieldValue.dateProblem)
            }
            return date as! T
        }
        return try T(from: decoder)
    }
}

/// A repeated field's values, in the order they came.
struct FieldValues: UnkeyedDecodingContainer {
    let key: any CodingKey
    let items: [FieldItem]
    var currentIndex = 0
    var codingPath: [any CodingKey] { [key] }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try FieldDecoder.decode(type, from: FieldDecoder(key: key, items: [try next().item], isElement: true))
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try next().decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next().decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next().decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decode(type) }

    /// The current value, moving past it.
    private mutating func next() throws -> FieldValue {
        guard !isAtEnd else { throw FieldProblem.missing(key) }
        defer { currentIndex += 1 }
        return FieldValue(key: key, item: items[currentIndex])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw UnsupportedArgument.nested(key)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw UnsupportedArgument.nested(key) }

    mutating func superDecoder() throws -> any Decoder { throw UnsupportedArgument.nested(key) }
}
