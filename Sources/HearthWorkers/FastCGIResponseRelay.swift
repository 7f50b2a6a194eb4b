import HearthCGI
import HearthFastCGI
import HearthHTTP
import HearthRelay
import Logging
import NIOCore
import NIOHTTP1

/// Reads a FastCGI application's answer: STDOUT is CGI/1.1 output (§6.2),
/// relayed by the same relay as a cold script's (`ScriptResponseRelay`:
/// Status, Location, local redirect, the output cap, HEAD); what is the
/// pool's own is what the records mean for the connection.
struct FastCGIResponseRelay {
    enum Outcome {
        case responded
        /// `completed`: the application still ended the request properly, so
        /// the connection is clean.
        case failed(HTTPError, completed: Bool)
        /// The connection closed before a single record came back: the
        /// worker died or dropped it. Nothing was written to the client.
        case vanished(HTTPError)
        case localRedirect(String)
    }

    private var source: FastCGIOutputSource
    private let relay: ScriptResponseRelay

    /// `isInterrupted`: whether the exchange was interrupted (timeout,
    /// client gone): then nothing more is written, even if the answer still
    /// arrives. `onEnd`: see `FastCGIOutputSource.onEnd`.
    init(
        connection: FastCGIConnection, host: FastCGIHostRequest, label: String, origin: String, request: Request,
        headerRules: CGIHeaderRules, maxOutputBytes: Int?, sendfile: (any ScriptFileSender)?, logger: Logger, isInterrupted: @escaping @Sendable () -> Bool, onEnd: @escaping () -> Void
    ) {
        let labelled = "\(label) (\(origin))"
        source = FastCGIOutputSource(
            connection: connection, host: host, label: labelled, stderrLabel: label, requestID: request.id, logger: logger,
            isInterrupted: isInterrupted, onEnd: onEnd
        )
        relay = ScriptResponseRelay(
            label: labelled, request: request, headerRules: headerRules, maxOutputBytes: maxOutputBytes, sendfile: sendfile, logger: logger
        )
    }

    /// The writer stays in `slot` unless the response was written.
    mutating func run(slot: inout ResponseWriter?) async throws -> Outcome {
        switch try await relay.run(&source, slot: &slot) {
        case .responded: return .responded
        case .localRedirect(let target): return .localRedirect(target)
        case .failed(let error) where !source.answered: return .vanished(error)
        case .failed(let error): return .failed(error, completed: source.end != nil)
        }
    }
}

/// A FastCGI request's STDOUT records as the relay reads them; STDERR lines
/// go to the error log on the way; FCGI_END_REQUEST ends the output.
struct FastCGIOutputSource: ScriptOutputSource {
    let connection: FastCGIConnection
    var host: FastCGIHostRequest
    /// The application and who served it, for messages.
    let label: String
    /// The application alone, for stderr lines.
    let stderrLabel: String
    /// The request's, for stderr lines too.
    let requestID: String
    let logger: Logger
    let isInterrupted: @Sendable () -> Bool
    /// Called when FCGI_END_REQUEST arrives, before the end of the answer
    /// is written to the client: the connection is free from then on. A
    /// client that sends its next request as soon as it has the response
    /// must find the connection idle, or it opens another one, which a
    /// single-process application (`php-cgi -b`) holding this one open
    /// (FCGI_KEEP_CONN) never accepts.
    let onEnd: () -> Void
    private var stderrLines = LineSplitter()
    /// STDOUT read ahead by `takeRestIfEnded` without its end.
    private var pending: [ByteBuffer] = []
    /// Whether any record of the answer arrived.
    private(set) var answered = false
    /// FCGI_END_REQUEST, once it arrived.
    private(set) var end: FastCGIEndRequest?

    init(
        connection: FastCGIConnection, host: FastCGIHostRequest, label: String, stderrLabel: String, requestID: String, logger: Logger,
        isInterrupted: @escaping @Sendable () -> Bool, onEnd: @escaping () -> Void
    ) {
        self.connection = connection
        self.host = host
        self.label = label
        self.stderrLabel = stderrLabel
        self.requestID = requestID
        self.logger = logger
        self.isInterrupted = isInterrupted
        self.onEnd = onEnd
    }

    /// STDOUT, or nil at FCGI_END_REQUEST or when the connection closed.
    mutating func next() async throws -> ByteBuffer? {
        if !pending.isEmpty { return pending.removeFirst() }
        guard end == nil else { return nil }
        while let record = try await connection.nextRecord() {
            answered = true
            if let chunk = try receive(record) { return chunk }
            if end != nil { return nil }
        }
        flushStderr()
        return nil
    }

    /// The STDOUT already received (no waiting), when FCGI_END_REQUEST is
    /// among it.
    mutating func takeRestIfEnded() throws -> [ByteBuffer]? {
        while end == nil, let record = try connection.bufferedRecord() {
            if let chunk = try receive(record) { pending.append(chunk) }
        }
        guard end != nil else { return nil }
        defer { pending = [] }
        return pending
    }

    func interruption() -> HTTPError? {
        isInterrupted() ? HTTPError(.badGateway, "\(label): answer arrived after the request was given up") : nil
    }

    /// FCGI_END_REQUEST before a complete header block: an overloaded
    /// application (§5.5) is a 503; otherwise, as a cold script that ends
    /// before its headers, a 500.
    func endedBeforeHead(_ missing: CGIOutputError) -> HTTPError {
        guard let end else { return HTTPError(.badGateway, "\(label): the application closed the connection before answering") }
        switch end.protocolStatus {
        case .requestComplete:
            return HTTPError(.internalServerError, "\(label): \(missing) (app status \(end.appStatus))")
        case .overloaded:
            return HTTPError(.serviceUnavailable, "\(label): the application is overloaded", headers: [("Retry-After", "1")])
        default:
            return HTTPError(.badGateway, "\(label): the application refused the request (\(end.protocolStatus))")
        }
    }

    /// Output that ends without FCGI_END_REQUEST is cut off: the worker
    /// died or dropped the connection mid-answer.
    func endVerdict() async -> HTTPError? {
        end == nil ? HTTPError(.badGateway, "\(label): the application closed the connection in the middle of its answer") : nil
    }

    /// Nothing to stop here: an exchange that did not complete gives its
    /// connection back broken, which closes it (FastCGIExchange).
    func abandon(_ reason: ScriptRelayAbandon) {}

    private mutating func receive(_ record: FastCGIRecord) throws -> ByteBuffer? {
        switch try host.receive(record) {
        case .stdout(let bytes): return bytes
        case .stderr(let bytes): for line in stderrLines.append(bytes.readableBytesView) { logStderr(line) }
        case .end(let end): self.end = end; flushStderr(); onEnd()
        case nil: break
        }
        return nil
    }

    private mutating func flushStderr() {
        if let rest = stderrLines.rest() { logStderr(rest) }
    }

    private func logStderr(_ line: String) {
        logger.warning("\(line)", metadata: ["fastcgi": "\(stderrLabel)", "stream": "stderr", RequestID.metadataKey: "\(requestID)"])
    }
}
