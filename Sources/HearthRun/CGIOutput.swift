import HearthWeb
import NIOCore

/// A handler's response as CGI script output (RFC 3875 §6), which is also
/// what a FastCGI responder writes on FCGI_STDOUT (FastCGI 1.0 §6.2).
package enum CGIOutput {
    /// `Status` (§6.3.3) always, so that a `Location` next to it is a
    /// client redirect with its own status (§6.2.4), never a local one
    /// (§6.2.2); then the fields; `Content-Length` for a body in memory, as
    /// the hot path frames it; then the blank line (§6.3).
    package static func head(_ response: HearthResponse) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeString("Status: \(response.status.code) \(response.status.reasonPhrase)\r\n")
        for field in response.headerFields {
            out.writeString("\(field.name.rawName): \(field.value)\r\n")
        }
        if case .bytes(let body) = response.body, response.headerFields[.contentLength] == nil {
            out.writeString("Content-Length: \(body.readableBytes)\r\n")
        }
        out.writeString("\r\n")
        return out
    }

    /// Writes the response through `sink`: the head and a body in memory in
    /// one write; a streamed body piece by piece after the head.
    package static func write(_ response: HearthResponse, to sink: @escaping @Sendable (ByteBuffer) async throws -> Void) async throws {
        var out = head(response)
        switch response.body {
        case .bytes(let body):
            out.writeImmutableBuffer(body)
            try await sink(out)
        case .stream(let produce):
            try await sink(out)
            try await produce(HearthBodyWriter(write: sink))
        }
    }
}
