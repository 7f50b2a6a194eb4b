import NIOCore

/// The body of FCGI_END_REQUEST (FastCGI 1.0 §5.5): the application's exit status and the protocol status.
public struct FastCGIEndRequest: Sendable, Equatable {
    /// Why the request ended at the protocol level (§5.5); unknown values survive as `.other`.
    public enum ProtocolStatus: Sendable, Equatable, Hashable {
        case requestComplete, cantMultiplexConnection, overloaded, unknownRole
        case other(UInt8)

        /// The status from its wire byte (§8: FCGI_REQUEST_COMPLETE = 0 … FCGI_UNKNOWN_ROLE = 3).
        public init(rawValue: UInt8) {
            switch rawValue {
            case 0: self = .requestComplete
            case 1: self = .cantMultiplexConnection
            case 2: self = .overloaded
            case 3: self = .unknownRole
            default: self = .other(rawValue)
            }
        }

        /// The wire byte of this status (§8).
        public var rawValue: UInt8 {
            switch self {
            case .requestComplete: 0
            case .cantMultiplexConnection: 1
            case .overloaded: 2
            case .unknownRole: 3
            case .other(let value): value
            }
        }
    }

    /// FCGI_EndRequestBody is 8 bytes (§8).
    public static let bodyLength = 8

    public var appStatus: UInt32
    public var protocolStatus: ProtocolStatus

    /// An END_REQUEST body.
    public init(appStatus: UInt32, protocolStatus: ProtocolStatus = .requestComplete) {
        self.appStatus = appStatus
        self.protocolStatus = protocolStatus
    }

    /// Reads the 8-byte body of §5.5: appStatus (UInt32 BE), protocolStatus, 3 reserved bytes.
    public init(content: ByteBuffer) throws {
        guard content.readableBytes == Self.bodyLength,
            let status = content.getInteger(at: content.readerIndex, endianness: .big, as: UInt32.self),
            let protocolStatus = content.getInteger(at: content.readerIndex + 4, as: UInt8.self)
        else { throw FastCGIBodyError.wrongLength(content.readableBytes) }
        self.init(appStatus: status, protocolStatus: ProtocolStatus(rawValue: protocolStatus))
    }

    /// Appends the 8-byte body (§5.5).
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(appStatus, endianness: .big)
        buffer.writeInteger(protocolStatus.rawValue)
        buffer.writeRepeatingByte(0, count: 3)
    }

    /// The END_REQUEST record carrying this body for `requestID` (§5.5).
    public func record(requestID: UInt16) -> FastCGIRecord {
        var content = ByteBuffer()
        write(into: &content)
        return FastCGIRecord(type: .endRequest, requestID: requestID, content: content)
    }
}
