import NIOCore

/// Records the application must write, and whether it must then close the transport connection (§3.5, §5.1).
public struct FastCGIChildWrite: Sendable, Equatable {
    public var records: [FastCGIRecord]
    /// True once the request that asked for it ends without FCGI_KEEP_CONN (§5.1), or after a fatal protocol error.
    public var closeConnection: Bool

    public init(_ records: [FastCGIRecord], closeConnection: Bool = false) {
        self.records = records
        self.closeConnection = closeConnection
    }
}

/// The decoded FCGI_PARAMS stream of one request (§5.2): CGI/1.1 meta-variables in the order the host sent them (§6.2).
public struct FastCGIParams: Sendable, Equatable {
    public var pairs: [FastCGIVariable]

    public init(_ pairs: [FastCGIVariable]) {
        self.pairs = pairs
    }

    /// The first value sent for `name`, if any.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// Why the application side refused a request or a connection.
public enum FastCGIChildError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The PARAMS stream (§5.2) is not a valid name-value list (§3.4), or breaks the pair-count or size cap.
    case malformedParams(FastCGINameValuePairsError)
    /// The PARAMS stream grew past what any list within the caps can take, before its end (§5.2).
    case paramsStreamTooLong(limit: Int)
    /// A record out of the role's order (§6.1), or of a type only an application sends (appendix A), for the active request.
    case unexpectedRecord(FastCGIRecord.RecordType)
    /// A BEGIN_REQUEST whose body is not the 8 bytes of §5.1.
    case malformedBeginRequest(FastCGIBodyError)
    /// A BEGIN_REQUEST for the request id that is already active (§3.3: an id is reused only once inactive).
    case beginRequestForActiveID(UInt16)

    public var description: String {
        switch self {
        case .malformedParams(let error): "malformed FCGI_PARAMS: \(error)"
        case .paramsStreamTooLong(let limit): "FCGI_PARAMS stream longer than \(limit) bytes"
        case .unexpectedRecord(let type): "unexpected record type \(type.rawValue) for the active request"
        case .malformedBeginRequest(let error): "malformed FCGI_BEGIN_REQUEST body: \(error)"
        case .beginRequestForActiveID(let id): "FCGI_BEGIN_REQUEST for request \(id), which is already active"
        }
    }
}

extension FastCGIChildConnection {
    /// What the application must do after a record arrives.
    public enum Action: Sendable, Equatable {
        /// Nothing: a record for an inactive request id (§3.3), or part of a stream not yet complete.
        case none
        /// Write these records: management answers (§4), rejected BEGIN_REQUESTs (§5.5), an abort before the request started.
        case write(FastCGIChildWrite)
        /// The PARAMS stream ended (§5.2): run the request. Output goes through `stdout`, `stderr`, `endRequest`.
        case requestStarted(requestID: UInt16, role: FastCGIBeginRequest.Role, keepConnection: Bool, params: FastCGIParams)
        /// A chunk of the request body (§5.3).
        case stdin(requestID: UInt16, ByteBuffer)
        /// The empty STDIN record: the body is complete (§5.3).
        case stdinEnded(requestID: UInt16)
        /// A chunk of the filter's data file (§5.3, §6.4); only for requests in the FILTER role.
        case data(requestID: UInt16, ByteBuffer)
        /// The empty DATA record: the data file is complete (§6.4).
        case dataEnded(requestID: UInt16)
        /// The host aborted a running request (§5.4): stop it, then call `endRequest` (§5.4 wants END_REQUEST from the application).
        case abort(requestID: UInt16)
        /// The request broke the protocol; these records end it (§5.5). Stop it if it started: later output for it is dropped.
        case requestFailed(requestID: UInt16, FastCGIChildError, FastCGIChildWrite)
        /// The host broke the framing of the connection itself: close it; any running request is over and writes nothing.
        case closeConnection(FastCGIChildError)
    }
}
