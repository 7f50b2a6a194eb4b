import Foundation

/// A record's values as one JSON object of JSON texts, the form the
/// SQLite and PostgreSQL stores keep in their `data` column.
enum SessionValuesJSON {
    static func encode(_ values: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(values), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}
