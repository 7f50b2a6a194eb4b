import HTTPTypes
import NIOCore
import Synchronization

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
///
/// Built on first use when the server hands over a builder: a hot handler
/// that never reads them (most answer from the path and the form) does not
/// pay for two dozen strings per request, which was a tenth of the hot
/// path's time. The few the request's own accessors read (SCRIPT_NAME,
/// PATH_INFO, REMOTE_ADDR, REMOTE_USER) may come pre-built as `known`.
public struct CGIMetaVariables: Sendable, Sequence {
    public typealias Pair = (name: String, value: String)

    private enum Storage: Sendable {
        case built([Pair])
        case deferred(DeferredVariables)
    }

    private var storage: Storage

    public init(_ pairs: [Pair]) {
        storage = .built(pairs)
    }

    /// Variables that `build` makes on first use, at most once. `known`
    /// holds values that `build` would give the same names, answered
    /// without building; the caller guarantees they agree.
    public init(known: [Pair] = [], deferred build: @escaping @Sendable () -> [Pair]) {
        storage = .deferred(DeferredVariables(known: known, build: build))
    }

    public var pairs: [Pair] {
        switch storage {
        case .built(let pairs): pairs
        case .deferred(let deferred): deferred.pairs
        }
    }

    public subscript(name: String) -> String? {
        if case .deferred(let deferred) = storage, let known = deferred.known.last(where: { $0.name == name }) {
            return known.value
        }
        return pairs.last { $0.name == name }?.value
    }

    public func makeIterator() -> IndexingIterator<[Pair]> {
        pairs.makeIterator()
    }
}

/// The builder and its one result, shared by copies of the request.
private final class DeferredVariables: Sendable {
    let known: [CGIMetaVariables.Pair]
    private let build: @Sendable () -> [CGIMetaVariables.Pair]
    private let built = Mutex<[CGIMetaVariables.Pair]?>(nil)

    init(known: [CGIMetaVariables.Pair], build: @escaping @Sendable () -> [CGIMetaVariables.Pair]) {
        self.known = known
        self.build = build
    }

    var pairs: [CGIMetaVariables.Pair] {
        built.withLock { built in
            if let built { return built }
            let pairs = build()
            built = pairs
            return pairs
        }
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
