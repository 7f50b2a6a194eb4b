import HearthCGI
import NIOCore

/// Why a management record (FastCGI 1.0 §4) cannot be built.
public enum FastCGIManagementError: Error, Sendable, Equatable {
    /// The encoded name-value pairs do not fit one record's 65535 content bytes (§3.3); management records are discrete.
    case contentTooLong(Int)
}

/// The variables of FCGI_GET_VALUES (§4.1, names in §8) that an application can report.
public struct FastCGIApplicationValues: Sendable, Equatable {
    /// FCGI_MAX_CONNS (§4.1): the most concurrent transport connections the application accepts.
    public static let maxConnectionsName = "FCGI_MAX_CONNS"
    /// FCGI_MAX_REQS (§4.1): the most concurrent requests the application accepts.
    public static let maxRequestsName = "FCGI_MAX_REQS"
    /// FCGI_MPXS_CONNS (§4.1): "1" if the application multiplexes requests over one connection, else "0".
    public static let multiplexesConnectionsName = "FCGI_MPXS_CONNS"

    public var maxConnections: Int
    public var maxRequests: Int
    public var multiplexesConnections: Bool

    /// Values for a worker that serves one request per connection unless told otherwise.
    public init(maxConnections: Int = 1, maxRequests: Int = 1, multiplexesConnections: Bool = false) {
        self.maxConnections = maxConnections
        self.maxRequests = maxRequests
        self.multiplexesConnections = multiplexesConnections
    }

    /// The value for `name`, or nil for a name this application does not understand (§4.1: such names are omitted).
    public func value(for name: String) -> String? {
        switch name {
        case Self.maxConnectionsName: String(maxConnections)
        case Self.maxRequestsName: String(maxRequests)
        case Self.multiplexesConnectionsName: multiplexesConnections ? "1" : "0"
        default: nil
        }
    }

    /// The FCGI_GET_VALUES_RESULT answering `query` (§4.1): known names once each, in the query's order.
    public func answer(_ query: FastCGIGetValues) -> FastCGIGetValuesResult {
        var answered: Set<String> = []
        var values: [FastCGIVariable] = []
        // Each known name answers once, so the result stays a few dozen bytes however the query repeats itself.
        for name in query.names where !answered.contains(name) {
            guard let value = value(for: name) else { continue }
            answered.insert(name)
            values.append((name: name, value: value))
        }
        return FastCGIGetValuesResult(values: values)
    }
}

/// FCGI_GET_VALUES (§4.1): a host's query, name-value pairs with empty values, on the null request id.
public struct FastCGIGetValues: Sendable, Equatable {
    /// The codec used to read a query: at most 256 names within one record (§3.3).
    public static let defaultCodec = FastCGINameValuePairs(maxCount: 256, maxTotalBytes: FastCGIRecord.maxContentLength)

    public var names: [String]

    /// A query for `names`.
    public init(names: [String]) {
        self.names = names
    }

    /// Reads a query; values, which §4.1 says are empty, are ignored rather than refused.
    public init(content: ByteBuffer, codec: FastCGINameValuePairs = defaultCodec) throws {
        self.names = try codec.decode(content).map(\.0)
    }

    /// The `{FCGI_GET_VALUES, 0, ...}` record (§4.1).
    public func record() throws -> FastCGIRecord {
        try FastCGIManagementRecord.make(.getValues, pairs: names.map { (name: $0, value: "") })
    }
}

/// FCGI_GET_VALUES_RESULT (§4.1): the application's answer, the values of the names it understood.
public struct FastCGIGetValuesResult: Sendable, Equatable {
    public var values: [FastCGIVariable]

    /// An answer carrying `values`, in order.
    public init(values: [FastCGIVariable]) {
        self.values = values
    }

    /// Reads an answer (host side).
    public init(content: ByteBuffer, codec: FastCGINameValuePairs = FastCGIGetValues.defaultCodec) throws {
        self.values = try codec.decode(content).map { (name: $0.0, value: $0.1) }
    }

    /// The value answered for `name`, if any.
    public subscript(name: String) -> String? {
        values.first { $0.name == name }?.value
    }

    /// The `{FCGI_GET_VALUES_RESULT, 0, ...}` record (§4.1).
    public func record() throws -> FastCGIRecord {
        try FastCGIManagementRecord.make(.getValuesResult, pairs: values)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.values.elementsEqual(rhs.values) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// FCGI_UNKNOWN_TYPE (§4.2): `{FCGI_UNKNOWN_TYPE, 0, {T}}`, the answer to a management record of a type not understood.
public struct FastCGIUnknownType: Sendable, Equatable {
    /// FCGI_UnknownTypeBody is 8 bytes: the type, then 7 reserved (§4.2, §8).
    public static let bodyLength = 8

    /// The type byte that was not understood.
    public var type: UInt8

    public init(type: UInt8) {
        self.type = type
    }

    /// Reads the 8-byte body of §4.2 (host side).
    public init(content: ByteBuffer) throws {
        guard content.readableBytes == Self.bodyLength, let type = content.getInteger(at: content.readerIndex, as: UInt8.self)
        else { throw FastCGIBodyError.wrongLength(content.readableBytes) }
        self.type = type
    }

    /// The `{FCGI_UNKNOWN_TYPE, 0, {T}}` record (§4.2).
    public var record: FastCGIRecord {
        var content = ByteBuffer()
        content.writeInteger(type)
        content.writeRepeatingByte(0, count: Self.bodyLength - 1)
        return FastCGIRecord(type: .unknownType, requestID: FastCGIRecord.nullRequestID, content: content)
    }
}

/// A name and its value: FastCGI params are CGI/1.1 meta-variables (§6.2), so they share HearthCGI's pair type.
public typealias FastCGIVariable = CGIEnvironmentBuilder.Variable

enum FastCGIManagementRecord {
    /// A management record of `type` on the null request id (§3.3) holding `pairs` (§3.4).
    /// Throws when the pairs cannot fit one record: the codec's caps refuse most such lists before encoding them.
    static func make(_ type: FastCGIRecord.RecordType, pairs: [FastCGIVariable]) throws -> FastCGIRecord {
        // Each pair takes at least 2 length bytes, and its names and values at most the whole content.
        let codec = FastCGINameValuePairs(
            maxCount: FastCGIRecord.maxContentLength / 2, maxTotalBytes: FastCGIRecord.maxContentLength)
        let content = try codec.encode(pairs.map { ($0.name, $0.value) })
        guard content.readableBytes <= FastCGIRecord.maxContentLength else {
            throw FastCGIManagementError.contentTooLong(content.readableBytes)
        }
        return FastCGIRecord(type: type, requestID: FastCGIRecord.nullRequestID, content: content)
    }
}
