import NIOCore

extension FastCGIChildConnection {
    /// The one active request of the connection (§3.3: active from BEGIN_REQUEST until the application's END_REQUEST).
    struct ActiveRequest: Sendable {
        enum Phase: Sendable {
            /// Reading FCGI_PARAMS (§5.2); the application has not been told of the request yet (§6.2).
            case params(ByteBuffer)
            /// Started: the input streams that are still open (§5.3; DATA only for FILTER, §6.4).
            case started(stdinOpen: Bool, dataOpen: Bool)
        }

        let id: UInt16
        let role: FastCGIBeginRequest.Role
        let keepConnection: Bool
        var phase: Phase = .params(ByteBuffer())
        var aborted = false
        var wroteStderr = false

        init(id: UInt16, role: FastCGIBeginRequest.Role, keepConnection: Bool) {
            self.id = id
            self.role = role
            self.keepConnection = keepConnection
        }

        var isStarted: Bool {
            if case .started = phase { return true }
            return false
        }
    }

    /// An application record for the active request.
    mutating func receive(_ record: FastCGIRecord, for request: ActiveRequest) -> Action {
        switch record.type {
        case .params: return params(record.content, for: request)
        case .stdin: return inputStream(record.content, isData: false, for: request)
        case .data: return inputStream(record.content, isData: true, for: request)
        case .abortRequest: return abort(request)
        default:
            // END_REQUEST, STDOUT, STDERR only ever go from application to host (appendix A).
            return failRequest(request, .unexpectedRecord(record.type))
        }
    }

    /// FCGI_PARAMS (§5.2): accumulate until the empty record, within a bound, then decode with the caps.
    private mutating func params(_ content: ByteBuffer, for request: ActiveRequest) -> Action {
        guard case .params(var stream) = request.phase else { return failRequest(request, .unexpectedRecord(.params)) }
        guard content.readableBytes == 0 else {
            let limit = configuration.maxParamsStreamBytes
            guard content.readableBytes <= limit - stream.readableBytes else {
                return failRequest(request, .paramsStreamTooLong(limit: limit))
            }
            stream.writeImmutableBuffer(content)
            active?.phase = .params(stream)
            return .none
        }
        let codec = FastCGINameValuePairs(maxCount: configuration.maxParamsCount, maxTotalBytes: configuration.maxParamsBytes)
        let pairs: [(String, String)]
        do {
            pairs = try codec.decode(stream)
        } catch let error as FastCGINameValuePairsError {
            return failRequest(request, .malformedParams(error))
        } catch {
            return failRequest(request, .malformedParams(.truncated))
        }
        // §6.4: only a FILTER receives FCGI_DATA.
        active?.phase = .started(stdinOpen: true, dataOpen: request.role == .filter)
        let params = FastCGIParams(pairs.map { (name: $0.0, value: $0.1) })
        return .requestStarted(requestID: request.id, role: request.role, keepConnection: request.keepConnection, params: params)
    }

    /// FCGI_STDIN or FCGI_DATA (§5.3): chunks, then the end on the empty record.
    private mutating func inputStream(_ content: ByteBuffer, isData: Bool, for request: ActiveRequest) -> Action {
        // After an abort the application is stopping; the rest of its input is of no use to it (§5.4).
        if request.aborted { return .none }
        // DATA for a role without a data stream is ignored rather than refused: it carries nothing the request reads.
        if isData, request.role != .filter { return .none }
        let type: FastCGIRecord.RecordType = isData ? .data : .stdin
        // §6.1 sequential marshalling: PARAMS must be complete first, and a stream ends once.
        guard case .started(var stdinOpen, var dataOpen) = request.phase, isData ? dataOpen : stdinOpen else {
            return failRequest(request, .unexpectedRecord(type))
        }
        guard content.readableBytes == 0 else {
            return isData ? .data(requestID: request.id, content) : .stdin(requestID: request.id, content)
        }
        if isData { dataOpen = false } else { stdinOpen = false }
        active?.phase = .started(stdinOpen: stdinOpen, dataOpen: dataOpen)
        return isData ? .dataEnded(requestID: request.id) : .stdinEnded(requestID: request.id)
    }

    /// FCGI_ABORT_REQUEST (§5.4): a started request is the application's to end; one not yet started is ended here.
    private mutating func abort(_ request: ActiveRequest) -> Action {
        guard !request.aborted else { return .none }
        guard request.isStarted else {
            return .write(finish(request, appStatus: 0, stderrMessage: nil))
        }
        active?.aborted = true
        return .abort(requestID: request.id)
    }

    /// Ends `request` for a protocol error (§5.5, nonzero appStatus, the reason on STDERR for the host's log, §6.1).
    ///
    /// Why END_REQUEST and not a close: the records around the bad ones are still well framed, so the host gets a
    /// definite answer and, with FCGI_KEEP_CONN, keeps its connection; whatever it still sends for the id is ignored (§3.3).
    mutating func failRequest(_ request: ActiveRequest, _ error: FastCGIChildError) -> Action {
        let write = finish(request, appStatus: Self.protocolFailureAppStatus, stderrMessage: "hearth: \(error)\n")
        return .requestFailed(requestID: request.id, error, write)
    }
}
