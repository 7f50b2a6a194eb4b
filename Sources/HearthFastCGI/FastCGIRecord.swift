import NIOCore

/// One FastCGI 1.0 record (§3.3): a typed, request-scoped chunk of at most 65535 content bytes.
public struct FastCGIRecord: Sendable, Equatable {
    /// The record types of FastCGI 1.0 §8; other values survive as `.other`.
    public enum RecordType: Sendable, Equatable, Hashable {
        case beginRequest, abortRequest, endRequest, params, stdin, stdout, stderr, data
        case getValues, getValuesResult, unknownType
        case other(UInt8)

        /// The type from its wire byte (§8: FCGI_BEGIN_REQUEST = 1 … FCGI_UNKNOWN_TYPE = 11).
        public init(rawValue: UInt8) {
            switch rawValue {
            case 1: self = .beginRequest
            case 2: self = .abortRequest
            case 3: self = .endRequest
            case 4: self = .params
            case 5: self = .stdin
            case 6: self = .stdout
            case 7: self = .stderr
            case 8: self = .data
            case 9: self = .getValues
            case 10: self = .getValuesResult
            case 11: self = .unknownType
            default: self = .other(rawValue)
            }
        }

        /// The wire byte of this type (§8).
        public var rawValue: UInt8 {
            switch self {
            case .beginRequest: 1
            case .abortRequest: 2
            case .endRequest: 3
            case .params: 4
            case .stdin: 5
            case .stdout: 6
            case .stderr: 7
            case .data: 8
            case .getValues: 9
            case .getValuesResult: 10
            case .unknownType: 11
            case .other(let value): value
            }
        }

        /// Management records (§3.3, §4) carry requestId 0: GET_VALUES, GET_VALUES_RESULT, UNKNOWN_TYPE.
        public var isManagement: Bool {
            switch self {
            case .getValues, .getValuesResult, .unknownType: true
            default: false
            }
        }
    }

    /// FCGI_VERSION_1 (§3.3, §8): the only version this layer speaks.
    public static let version: UInt8 = 1
    /// FCGI_HEADER_LEN (§8): every record starts with 8 header bytes.
    public static let headerLength = 8
    /// contentLength is a UInt16 (§3.3): at most 65535 bytes per record.
    public static let maxContentLength = Int(UInt16.max)
    /// FCGI_NULL_REQUEST_ID (§8): the request id of management records.
    public static let nullRequestID: UInt16 = 0

    public var type: RecordType
    public var requestID: UInt16
    public var content: ByteBuffer

    /// A record; `content` must hold at most 65535 readable bytes (§3.3), which `write(into:)` checks.
    public init(type: RecordType, requestID: UInt16, content: ByteBuffer = ByteBuffer()) {
        self.type = type
        self.requestID = requestID
        self.content = content
    }

    /// Padding that rounds `contentLength` up to a multiple of 8, as §3.3 recommends.
    public static func paddingLength(forContentLength length: Int) -> Int {
        (8 - length % 8) % 8
    }

    /// Appends the header, content and zero padding (§3.3); traps if content exceeds 65535 bytes.
    public func write(into buffer: inout ByteBuffer) {
        let length = content.readableBytes
        precondition(length <= Self.maxContentLength, "FastCGI 1.0 §3.3: contentLength is a UInt16")
        let padding = Self.paddingLength(forContentLength: length)
        buffer.reserveCapacity(minimumWritableBytes: Self.headerLength + length + padding)
        buffer.writeInteger(Self.version)
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(requestID, endianness: .big)
        buffer.writeInteger(UInt16(length), endianness: .big)
        buffer.writeInteger(UInt8(padding))
        buffer.writeInteger(UInt8(0))  // reserved
        buffer.writeImmutableBuffer(content)
        buffer.writeRepeatingByte(0, count: padding)
    }

    /// The record's encoding as a fresh buffer (§3.3).
    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        write(into: &buffer)
        return buffer
    }
}
