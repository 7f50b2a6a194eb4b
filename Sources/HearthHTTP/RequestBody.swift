import NIOCore

/// A request body: a single-pass sequence of byte buffers with backpressure
/// reaching the socket (the connection stops reading while nobody asks).
public struct RequestBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    enum Source: Sendable {
        case empty
        case stream(RequestStream)
        case buffer(ByteBuffer)
    }

    let source: Source

    init(_ source: Source) { self.source = source }

    public static let empty = RequestBody(.empty)

    /// A body held in memory; for tests and internal requests.
    public static func bytes(_ buffer: ByteBuffer) -> RequestBody { RequestBody(.buffer(buffer)) }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var source: Source

        public mutating func next() async throws -> ByteBuffer? {
            switch source {
            case .empty:
                return nil
            case .buffer(let buffer):
                source = .empty
                return buffer.readableBytes > 0 ? buffer : nil
            case .stream(let stream):
                return try await stream.nextBodyChunk()
            }
        }
    }

    /// Reads the whole body into memory, failing with 413 beyond `limit`.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        for try await var chunk in self {
            guard collected.readableBytes + chunk.readableBytes <= limit else {
                throw HTTPError(.payloadTooLarge, "request body over \(limit) bytes")
            }
            collected.writeBuffer(&chunk)
        }
        return collected
    }

    /// Caps how many bytes may be read from this body; reading past it
    /// throws 413. Set by the site for each mount.
    public func limit(to maxBytes: Int) {
        if case .stream(let stream) = source { stream.bodyLimit = maxBytes }
    }
}
