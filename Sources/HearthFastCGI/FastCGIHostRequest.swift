import NIOCore

/// Why an application's records do not make a well-formed answer (§5.3, §5.5).
public enum FastCGIHostRequestError: Error, Sendable, Equatable {
    /// A STDOUT or STDERR record came after FCGI_END_REQUEST.
    case recordAfterEnd(FastCGIRecord.RecordType)
    /// A record type an application never sends to a host (§8).
    case unexpectedRecord(FastCGIRecord.RecordType)
    /// The FCGI_END_REQUEST body was not 8 bytes (§5.5).
    case malformedEndRequest
}

/// The host (web server) side of one FastCGI request in the Responder role
/// (§6.2): the records to send, and what the records received mean. A state
/// machine without I/O; the caller owns the socket.
public struct FastCGIHostRequest: Sendable {
    /// What a record from the application means for this request.
    public enum Event: Sendable, Equatable {
        /// Response bytes, CGI/1.1 output (§6.2): header block then body.
        case stdout(ByteBuffer)
        /// Error-log bytes (§5.3).
        case stderr(ByteBuffer)
        /// The request is over (§5.5).
        case end(FastCGIEndRequest)
    }

    public let requestID: UInt16
    /// Whether the connection stays open after this request (§5.1).
    public let keepConnection: Bool
    public private(set) var isEnded = false

    /// A request; id 1 suits a connection that carries one request at a
    /// time (§3.3: ids are per connection, and we never multiplex).
    public init(requestID: UInt16 = 1, keepConnection: Bool) {
        self.requestID = requestID
        self.keepConnection = keepConnection
    }

    /// FCGI_BEGIN_REQUEST, then the whole PARAMS stream with its empty
    /// terminator (§5.1, §5.2). Throws when the parameters exceed the caps
    /// of `pairs`.
    public func writeHead(params: [(String, String)], pairs: FastCGINameValuePairs = .init(), into buffer: inout ByteBuffer) throws {
        FastCGIBeginRequest(role: .responder, keepConnection: keepConnection).record(requestID: requestID).write(into: &buffer)
        FastCGIStream.write(type: .params, requestID: requestID, body: try pairs.encode(params), into: &buffer)
    }

    /// A piece of the request body as STDIN records of at most 65535 bytes.
    /// An empty piece writes nothing: an empty STDIN record would end the
    /// stream (§5.3).
    public func writeStdin(_ chunk: ByteBuffer, into buffer: inout ByteBuffer) {
        var chunk = chunk
        while chunk.readableBytes > 0, let slice = chunk.readSlice(length: min(chunk.readableBytes, FastCGIRecord.maxContentLength)) {
            FastCGIRecord(type: .stdin, requestID: requestID, content: slice).write(into: &buffer)
        }
    }

    /// The empty STDIN record: end of the request body (§5.3).
    public func writeEndOfStdin(into buffer: inout ByteBuffer) {
        FastCGIRecord(type: .stdin, requestID: requestID).write(into: &buffer)
    }

    /// FCGI_ABORT_REQUEST (§5.4): the client went away; the application
    /// answers with FCGI_END_REQUEST.
    public func writeAbort(into buffer: inout ByteBuffer) {
        FastCGIRecord(type: .abortRequest, requestID: requestID).write(into: &buffer)
    }

    /// The meaning of one record from the application; nil for records that
    /// are not this request's: other request ids and management records
    /// (§3.3: such records are ignored), and the empty stream terminators.
    public mutating func receive(_ record: FastCGIRecord) throws -> Event? {
        guard record.requestID == requestID, !record.type.isManagement else { return nil }
        switch record.type {
        case .stdout, .stderr:
            guard !isEnded else { throw FastCGIHostRequestError.recordAfterEnd(record.type) }
            guard record.content.readableBytes > 0 else { return nil }
            return record.type == .stdout ? .stdout(record.content) : .stderr(record.content)
        case .endRequest:
            guard !isEnded else { throw FastCGIHostRequestError.recordAfterEnd(.endRequest) }
            guard let end = try? FastCGIEndRequest(content: record.content) else { throw FastCGIHostRequestError.malformedEndRequest }
            isEnded = true
            return .end(end)
        default:
            throw FastCGIHostRequestError.unexpectedRecord(record.type)
        }
    }
}
