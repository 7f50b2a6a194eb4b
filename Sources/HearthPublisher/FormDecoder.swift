import HearthWeb

/// Decodes a function's arguments type from a request's form: each stored
/// property is a field of the same name (its CodingKey, so the synthesized
/// keys are the one list of names), its type says how to convert the text.
/// Unknown fields are ignored, as mod_python's `util.apply_fs_data` ignores
/// what the function does not take. Properties are flat: a nested keyed or
/// unkeyed type is a programming error (`UnsupportedArgument`), since a
/// form has no syntax for it.
struct FormDecoder: Decoder {
    let form: HearthForm
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(FormFields<Key>(form: form))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw UnsupportedArgument(field: "", detail: "an arguments type is a struct of fields, not a list")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw UnsupportedArgument(field: "", detail: "an arguments type is a struct of fields, not a single value")
    }
}

/// The form as a keyed container: a key is present when the form has a
/// text field or a non-empty file of that name.
struct FormFields<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let form: HearthForm
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { form.fields.compactMap { Key(stringValue: $0.name) } }

    func contains(_ key: Key) -> Bool { !items(key, text: true).isEmpty }

    /// Absent, or an empty value: an empty field of a non-text type is nil
    /// (an empty number input is "no number"). `String?` overrides this.
    func decodeNil(forKey key: Key) throws -> Bool { items(key, text: false).isEmpty }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        let items = items(key, text: true)
        return items.isEmpty ? nil : try FieldValue(key: key, item: items[0]).decode(type)
    }

    /// An absent or empty checkbox is false (HTML sends nothing for an
    /// unchecked box).
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let items = items(key, text: false)
        return items.isEmpty ? false : try FieldValue(key: key, item: items[0]).decode(type)
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key, text: true).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(key).decode(type) }

    /// Date, FileUpload, arrays (a repeated field; absent is empty) and
    /// single-value types such as a `String` enum.
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let list = T.self as? any RepeatedField.Type
        let items = items(key, text: T.self == String.self || list?.holdsText == true)
        guard list != nil || !items.isEmpty else { throw FieldProblem.missing(key) }
        return try FieldDecoder.decode(type, from: FieldDecoder(key: key, items: items, isElement: false))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw UnsupportedArgument.nested(key)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw UnsupportedArgument.nested(key)
    }

    func superDecoder() throws -> any Decoder {
        throw UnsupportedArgument(field: "super", detail: "class inheritance is not supported in an arguments type")
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { throw UnsupportedArgument.nested(key) }

    /// The first item of a required field.
    private func value(_ key: Key, text: Bool = false) throws -> FieldValue {
        guard let item = items(key, text: text).first else { throw FieldProblem.missing(key) }
        return FieldValue(key: key, item: item)
    }

    /// The field's text values — without empty ones unless `text` — or, when
    /// it has none, its non-empty files.
    private func items(_ key: Key, text: Bool) -> [FieldItem] {
        let name = key.stringValue
        var items: [FieldItem] = []
        for field in form.fields where field.name == name && (text || !field.value.isEmpty) {
            items.append(.text(field.value))
        }
        guard items.isEmpty else { return items }
        for file in form.uploads where file.fieldName == name && !(file.filename.isEmpty && file.size == 0) {
            items.append(.file(file))
        }
        return items
    }
}

/// One value of a field.
enum FieldItem {
    case text(String)
    case file(HearthUploadedFile)
}

/// Arrays and sets are repeated fields: absent is empty, and empty values
/// are dropped unless the elements are text (`n=&n=1` is `[1]` for `[Int]`,
/// `t=&t=a` is `["", "a"]` for `[String]`).
protocol RepeatedField {
    static var holdsText: Bool { get }
}

extension Array: RepeatedField {
    static var holdsText: Bool { Element.self == String.self }
}

extension Set: RepeatedField {
    static var holdsText: Bool { Element.self == String.self }
}
