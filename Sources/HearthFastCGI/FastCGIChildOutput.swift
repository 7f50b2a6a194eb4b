import NIOCore

/// The application's output for its request (§5.3, §5.5, §6.2): STDOUT and STDERR streams, then END_REQUEST.
extension FastCGIChildConnection {
    /// STDOUT records for `data`, at most 65535 bytes each (§3.3); none for an id not started, ended, or empty data
    /// (an empty record would end the stream, §3.3, which only `endRequest` does).
    public func stdout(_ data: ByteBuffer, requestID: UInt16) -> [FastCGIRecord] {
        guard let request = active, request.id == requestID, request.isStarted else { return [] }
        return Self.streamChunks(.stdout, requestID: requestID, data)
    }

    /// STDERR records for `data` (§5.3, §6.1), under the same rules as `stdout`.
    public mutating func stderr(_ data: ByteBuffer, requestID: UInt16) -> [FastCGIRecord] {
        guard let request = active, request.id == requestID, request.isStarted else { return [] }
        let records = Self.streamChunks(.stderr, requestID: requestID, data)
        if !records.isEmpty { active?.wroteStderr = true }
        return records
    }

    /// Ends the request (§5.5, §6.2): the empty STDOUT record, the empty STDERR record if STDERR was used (§6.1),
    /// then END_REQUEST with `appStatus` and FCGI_REQUEST_COMPLETE. The request id becomes inactive (§3.3): nothing
    /// more is written for it. Closes the connection when BEGIN_REQUEST lacked FCGI_KEEP_CONN (§5.1).
    /// Ending an id that is not started, or already ended, writes nothing.
    public mutating func endRequest(requestID: UInt16, appStatus: UInt32) -> FastCGIChildWrite {
        guard let request = active, request.id == requestID, request.isStarted else { return FastCGIChildWrite([]) }
        return finish(request, appStatus: appStatus, stderrMessage: nil)
    }

    /// The records that end `request`, which then becomes inactive.
    mutating func finish(_ request: ActiveRequest, appStatus: UInt32, stderrMessage: String?) -> FastCGIChildWrite {
        // §6.1: a stream other than STDERR is always transmitted, even empty; STDERR only ends if it was used.
        var records = [FastCGIRecord(type: .stdout, requestID: request.id)]
        var usedStderr = request.wroteStderr
        if let stderrMessage {
            records += Self.streamChunks(.stderr, requestID: request.id, ByteBuffer(string: stderrMessage))
            usedStderr = true
        }
        if usedStderr { records.append(FastCGIRecord(type: .stderr, requestID: request.id)) }
        records.append(FastCGIEndRequest(appStatus: appStatus).record(requestID: request.id))
        active = nil
        return closingIfAsked(FastCGIChildWrite(records), keepConnection: request.keepConnection)
    }

    /// `data` as non-empty records of at most 65535 bytes (§3.3), without the stream's terminator.
    static func streamChunks(_ type: FastCGIRecord.RecordType, requestID: UInt16, _ data: ByteBuffer) -> [FastCGIRecord] {
        FastCGIStream.records(type: type, requestID: requestID, body: data).dropLast()
    }
}
