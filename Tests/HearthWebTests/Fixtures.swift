import HTTPTypes
import HearthWeb
import NIOCore

/// Hands out a body's chunks in order, as a transport would.
actor ChunkQueue {
    private var chunks: ArraySlice<[UInt8]>
    init(_ chunks: [[UInt8]]) { self.chunks = chunks[...] }
    func next() -> ByteBuffer? { chunks.popFirst().map { ByteBuffer(bytes: $0) } }
}

func makeRequest(
    method: HTTPRequest.Method = .post, target: String = "/form", contentType: String? = nil,
    chunks: [[UInt8]] = [], extraFields: HTTPFields = [:], variables: [(name: String, value: String)] = []
) -> HearthRequest {
    var fields = extraFields
    if let contentType { fields[.contentType] = contentType }
    let queue = ChunkQueue(chunks)
    return HearthRequest(method: method, target: target, headerFields: fields, body: HearthRequestBody { await queue.next() }, variables: CGIMetaVariables(variables))
}

/// The three ways STYLE.md #3 feeds a parser: whole, a byte at a time, and
/// split in two at every offset.
func feedings(_ bytes: [UInt8]) -> [(String, [[UInt8]])] {
    var result: [(String, [[UInt8]])] = [("whole", [bytes]), ("byte at a time", bytes.map { [$0] })]
    for offset in 1..<max(bytes.count, 1) {
        result.append(("split at \(offset)", [Array(bytes[..<offset]), Array(bytes[offset...])]))
    }
    return result
}

/// A multipart/form-data body with CRLF line ends.
func multipartBody(boundary: String = "XyZ", parts: [(headers: [String], content: String)], close: Bool = true) -> [UInt8] {
    var text = ""
    for part in parts {
        text += "--\(boundary)\r\n" + part.headers.map { "\($0)\r\n" }.joined() + "\r\n" + part.content + "\r\n"
    }
    if close { text += "--\(boundary)--\r\n" }
    return Array(text.utf8)
}

/// A form reduced to comparable values.
struct FormSummary: Equatable, CustomStringConvertible {
    var fields: [String]
    var files: [String]
    var description: String { "fields \(fields) files \(files)" }

    init(fields: [String], files: [String] = []) {
        self.fields = fields
        self.files = files
    }

    init(_ form: HearthForm) throws {
        fields = form.fields.map { "\($0.name)=\($0.value)" }
        files = try form.uploads.map { file in
            "\(file.fieldName):\(file.filename):\(file.contentType):\(String(buffer: try file.contents()))"
        }
    }
}
