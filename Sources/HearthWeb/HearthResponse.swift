import HTTPTypes
import NIOCore

/// What a handler answers: a status, header fields, and a body held in
/// memory or written as it is produced.
public struct HearthResponse: Sendable {
    public enum Body: Sendable {
        case bytes(ByteBuffer)
        /// Written piece by piece; the closure gets a writer and returns
        /// when the body is complete.
        case stream(@Sendable (HearthBodyWriter) async throws -> Void)
    }

    public var status: HTTPResponse.Status
    public var headerFields: HTTPFields
    public var body: Body

    public init(status: HTTPResponse.Status = .ok, headerFields: HTTPFields = [:], body: Body = .bytes(ByteBuffer())) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
    }

    /// A text response, `text/plain; charset=utf-8` unless told otherwise.
    public static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> HearthResponse {
        HearthResponse(status: status, headerFields: [.contentType: contentType], body: .bytes(ByteBuffer(string: text)))
    }

    /// An HTML page.
    public static func html(_ html: String, status: HTTPResponse.Status = .ok) -> HearthResponse {
        text(html, status: status, contentType: "text/html; charset=utf-8")
    }

    /// 303 See Other to `location`: the answer to a POST that worked
    /// (post/redirect/get).
    public static func redirect(to location: String, status: HTTPResponse.Status = .seeOther) -> HearthResponse {
        HearthResponse(status: status, headerFields: [.location: location])
    }
}

/// Writes a streamed body.
public struct HearthBodyWriter: Sendable {
    let writeChunk: @Sendable (ByteBuffer) async throws -> Void

    public init(write: @escaping @Sendable (ByteBuffer) async throws -> Void) {
        self.writeChunk = write
    }

    public func write(_ buffer: ByteBuffer) async throws { try await writeChunk(buffer) }
    public func write(_ text: String) async throws { try await writeChunk(ByteBuffer(string: text)) }
}
