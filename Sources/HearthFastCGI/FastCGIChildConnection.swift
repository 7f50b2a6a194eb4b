import NIOCore

/// One transport connection as a FastCGI 1.0 application sees it: feed it decoded records, do what its actions say.
///
/// Pure state machine, no I/O. One request at a time (FCGI_MPXS_CONNS = "0", §4.1): a second BEGIN_REQUEST while
/// one is active is refused with FCGI_CANT_MPX_CONN (§5.5). Records for inactive request ids are ignored (§3.3).
public struct FastCGIChildConnection: Sendable {
    /// What the application accepts; every field has a default.
    public struct Configuration: Sendable, Equatable {
        /// Roles served (§6); others are refused with FCGI_UNKNOWN_ROLE (§5.5). Default: RESPONDER only.
        public var acceptedRoles: Set<FastCGIBeginRequest.Role>
        /// FCGI_MAX_CONNS reported to GET_VALUES (§4.1). Default 1.
        public var maxConnections: Int
        /// FCGI_MAX_REQS reported to GET_VALUES (§4.1). Default 1.
        public var maxRequests: Int
        /// The most PARAMS pairs per request (SECURITY.md, mod_fcgid CVE-2013-4365). Default 1024.
        public var maxParamsCount: Int
        /// The most PARAMS name and value bytes per request. Default 1 MiB.
        public var maxParamsBytes: Int

        public init(
            acceptedRoles: Set<FastCGIBeginRequest.Role> = [.responder],
            maxConnections: Int = 1,
            maxRequests: Int = 1,
            maxParamsCount: Int = FastCGINameValuePairs.defaultMaxCount,
            maxParamsBytes: Int = FastCGINameValuePairs.defaultMaxTotalBytes
        ) {
            self.acceptedRoles = acceptedRoles
            self.maxConnections = maxConnections
            self.maxRequests = maxRequests
            self.maxParamsCount = maxParamsCount
            self.maxParamsBytes = maxParamsBytes
        }

        /// The GET_VALUES answers (§4.1); this machine never multiplexes.
        var applicationValues: FastCGIApplicationValues {
            FastCGIApplicationValues(maxConnections: maxConnections, maxRequests: maxRequests, multiplexesConnections: false)
        }

        /// The longest PARAMS stream a list within the caps can take: each pair adds at most 8 length bytes (§3.4).
        var maxParamsStreamBytes: Int {
            let (overhead, overflow1) = maxParamsCount.multipliedReportingOverflow(by: 8)
            let (sum, overflow2) = maxParamsBytes.addingReportingOverflow(overhead)
            return overflow1 || overflow2 ? .max : sum
        }
    }

    /// appStatus of END_REQUEST when this machine ends a request the host broke (§5.5: a nonzero exit status, §6.2).
    public static let protocolFailureAppStatus: UInt32 = 1

    public let configuration: Configuration
    var active: ActiveRequest?
    /// Set once the machine has asked for the connection to be closed; nothing is read or written after it.
    public internal(set) var isClosed = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The request id being served, if any.
    public var activeRequestID: UInt16? { active?.id }

    /// What to do about `record`, which the host sent.
    public mutating func receive(_ record: FastCGIRecord) -> Action {
        guard !isClosed else { return .none }
        if record.requestID == FastCGIRecord.nullRequestID { return receiveManagement(record) }
        switch record.type {
        case .beginRequest:
            return begin(record)
        case .getValues, .getValuesResult, .unknownType, .other:
            // Management types belong on the null id (§3.3, appendix A) and an unknown type cannot be classified as
            // application or management, so neither is understood as sent; the §4.2 answer goes on id 0 and touches no request.
            return .write(FastCGIChildWrite([FastCGIUnknownType(type: record.type.rawValue).record]))
        default:
            guard let request = active, request.id == record.requestID else { return .none }  // §3.3: ignored
            return receive(record, for: request)
        }
    }

    /// Management records (§4): answer GET_VALUES (§4.1); every other type on the null id gets UNKNOWN_TYPE (§4.2).
    private func receiveManagement(_ record: FastCGIRecord) -> Action {
        guard record.type == .getValues else {
            return .write(FastCGIChildWrite([FastCGIUnknownType(type: record.type.rawValue).record]))
        }
        // A query that is not a valid name list is answered as one naming nothing we understand (§4.1: names omitted).
        let query = (try? FastCGIGetValues(content: record.content)) ?? FastCGIGetValues(names: [])
        let answer = configuration.applicationValues.answer(query)
        // At most three short pairs: the record always fits; the fallback is an empty answer, never a trap.
        let result = (try? answer.record()) ?? FastCGIRecord(type: .getValuesResult, requestID: FastCGIRecord.nullRequestID)
        return .write(FastCGIChildWrite([result]))
    }

    /// BEGIN_REQUEST (§5.1): accept one request at a time, in an accepted role.
    private mutating func begin(_ record: FastCGIRecord) -> Action {
        let body: FastCGIBeginRequest
        do {
            body = try FastCGIBeginRequest(content: record.content)
        } catch let error as FastCGIBodyError {
            return closeConnection(.malformedBeginRequest(error))
        } catch {
            return closeConnection(.malformedBeginRequest(.wrongLength(record.content.readableBytes)))
        }
        if let request = active {
            guard request.id != record.requestID else { return closeConnection(.beginRequestForActiveID(request.id)) }
            // §5.5 FCGI_CANT_MPX_CONN. The active request's own KEEP_CONN flag governs the connection, so no close.
            return .write(FastCGIChildWrite([Self.rejection(record.requestID, .cantMultiplexConnection)]))
        }
        guard configuration.acceptedRoles.contains(body.role) else {
            // §5.5 FCGI_UNKNOWN_ROLE is this request's response, so §5.1's close-after-responding applies to it.
            let rejection = Self.rejection(record.requestID, .unknownRole)
            return .write(closingIfAsked(FastCGIChildWrite([rejection]), keepConnection: body.keepConnection))
        }
        active = ActiveRequest(id: record.requestID, role: body.role, keepConnection: body.keepConnection)
        return .none
    }

    private static func rejection(_ requestID: UInt16, _ status: FastCGIEndRequest.ProtocolStatus) -> FastCGIRecord {
        FastCGIEndRequest(appStatus: 0, protocolStatus: status).record(requestID: requestID)
    }

    /// Marks `write` as closing the connection unless FCGI_KEEP_CONN was set (§5.1), and stops the machine if so.
    mutating func closingIfAsked(_ write: FastCGIChildWrite, keepConnection: Bool) -> FastCGIChildWrite {
        var write = write
        write.closeConnection = !keepConnection
        if write.closeConnection { isClosed = true }
        return write
    }

    private mutating func closeConnection(_ error: FastCGIChildError) -> Action {
        active = nil
        isClosed = true
        return .closeConnection(error)
    }
}
