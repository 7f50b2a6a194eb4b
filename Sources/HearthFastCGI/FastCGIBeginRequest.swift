import NIOCore

/// Why a BEGIN_REQUEST or END_REQUEST body cannot be read (§5.1, §5.5).
public enum FastCGIBodyError: Error, Sendable, Equatable {
    /// The body is not exactly 8 bytes (FCGI_BeginRequestBody / FCGI_EndRequestBody, §8).
    case wrongLength(Int)
}

/// The body of FCGI_BEGIN_REQUEST (FastCGI 1.0 §5.1): the role, and whether to keep the connection.
public struct FastCGIBeginRequest: Sendable, Equatable {
    /// The role the application plays (§6); unknown values survive as `.other`.
    public enum Role: Sendable, Equatable, Hashable {
        case responder, authorizer, filter
        case other(UInt16)

        /// The role from its wire value (§8: FCGI_RESPONDER = 1, FCGI_AUTHORIZER = 2, FCGI_FILTER = 3).
        public init(rawValue: UInt16) {
            switch rawValue {
            case 1: self = .responder
            case 2: self = .authorizer
            case 3: self = .filter
            default: self = .other(rawValue)
            }
        }

        /// The wire value of this role (§8).
        public var rawValue: UInt16 {
            switch self {
            case .responder: 1
            case .authorizer: 2
            case .filter: 3
            case .other(let value): value
            }
        }
    }

    /// FCGI_KEEP_CONN (§5.1, §8): the flag bit asking the application to keep the connection open.
    public static let keepConnectionFlag: UInt8 = 1
    /// FCGI_BeginRequestBody is 8 bytes (§8).
    public static let bodyLength = 8

    public var role: Role
    public var flags: UInt8

    /// A BEGIN_REQUEST body.
    public init(role: Role, keepConnection: Bool) {
        self.role = role
        self.flags = keepConnection ? Self.keepConnectionFlag : 0
    }

    /// A BEGIN_REQUEST body with raw flags.
    public init(role: Role, flags: UInt8) {
        self.role = role
        self.flags = flags
    }

    /// Whether FCGI_KEEP_CONN is set (§5.1).
    public var keepConnection: Bool { flags & Self.keepConnectionFlag != 0 }

    /// Reads the 8-byte body of §5.1: role (UInt16 BE), flags, 5 reserved bytes.
    public init(content: ByteBuffer) throws {
        guard content.readableBytes == Self.bodyLength,
            let role = content.getInteger(at: content.readerIndex, endianness: .big, as: UInt16.self),
            let flags = content.getInteger(at: content.readerIndex + 2, as: UInt8.self)
        else { throw FastCGIBodyError.wrongLength(content.readableBytes) }
        self.init(role: Role(rawValue: role), flags: flags)
    }

    /// Appends the 8-byte body (§5.1).
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(role.rawValue, endianness: .big)
        buffer.writeInteger(flags)
        buffer.writeRepeatingByte(0, count: 5)
    }

    /// The BEGIN_REQUEST record carrying this body for `requestID` (§5.1).
    public func record(requestID: UInt16) -> FastCGIRecord {
        var content = ByteBuffer()
        write(into: &content)
        return FastCGIRecord(type: .beginRequest, requestID: requestID, content: content)
    }
}
