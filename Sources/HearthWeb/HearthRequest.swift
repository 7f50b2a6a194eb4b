import HTTPTypes
import NIOCore

/// One request as a handler sees it, the same at every temperature: the
/// method, target and header fields (swift-http-types), a body read once,
/// the connection's addresses, and the request's RFC 3875 meta-variables
/// (`REMOTE_USER`, `PATH_INFO`, `SCRIPT_NAME`, …) under their own names.
public struct HearthRequest: Sendable {
    public var method: HTTPRequest.Method
    /// The request target as sent: path and query, still percent-encoded.
    public var target: String
    public var headerFields: HTTPFields
    public var body: HearthRequestBody
    /// The RFC 3875 §4.1 meta-variables of this request.
    public var variables: CGIMetaVariables
    /// What middleware attached for the handlers after it (`RequestLocals`).
    public var locals = RequestLocals()

    public init(method: HTTPRequest.Method, target: String, headerFields: HTTPFields, body: HearthRequestBody, variables: CGIMetaVariables) {
        self.method = method
        self.target = target
        self.headerFields = headerFields
        self.body = body
        self.variables = variables
    }

    /// The path part of the target, still encoded.
    public var path: Substring { target[..<(target.firstIndex(of: "?") ?? target.endIndex)] }
    /// The query string, undecoded; "" when there is none (RFC 3875 §4.1.7).
    public var queryString: Substring {
        guard let mark = target.firstIndex(of: "?") else { return "" }
        return target[target.index(after: mark)...]
    }
    /// SCRIPT_NAME (§4.1.13): where the handler is mounted.
    public var scriptName: String { variables["SCRIPT_NAME"] ?? "" }
    /// PATH_INFO (§4.1.5): the decoded path below the mount, "" when none.
    public var pathInfo: String { variables["PATH_INFO"] ?? "" }
    /// REMOTE_ADDR (§4.1.8).
    public var remoteAddress: String { variables["REMOTE_ADDR"] ?? "" }
    /// REMOTE_USER (§4.1.11): set when the server authenticated the request.
    public var remoteUser: String? { variables["REMOTE_USER"] }
}

/// RFC 3875 meta-variables by name, in the order the server built them.
public struct CGIMetaVariables: Sendable, Sequence {
    public private(set) var pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    public subscript(name: String) -> String? {
        pairs.last { $0.name == name }?.value
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        pairs.makeIterator()
    }
}

/// A request body: read once, as it arrives (single pass, with the
/// transport's backpressure), or collected with a size limit.
public struct HearthRequestBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let next: @Sendable () async throws -> ByteBuffer?

    /// A body whose chunks `next` returns, then nil at the end.
    public init(next: @escaping @Sendable () async throws -> ByteBuffer?) {
        self.next = next
    }

    /// An empty body.
    public static let empty = HearthRequestBody { nil }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let next: @Sendable () async throws -> ByteBuffer?
        public mutating func next() async throws -> ByteBuffer? { try await next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(next: next) }

    /// The whole body, or `HearthError.payloadTooLarge` beyond `limit` bytes.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        var all = ByteBuffer()
        for try await chunk in self {
            guard all.readableBytes + chunk.readableBytes <= limit else { throw HearthError.payloadTooLarge(limit: limit) }
            all.writeImmutableBuffer(chunk)
        }
        return all
    }
}
