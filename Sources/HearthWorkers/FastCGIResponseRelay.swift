import HearthCGI
import HearthFastCGI
import HearthGateway
import HearthHTTP
import Logging
import NIOCore
import NIOHTTP1

/// Reads a FastCGI application's answer: STDOUT is CGI/1.1 output (§6.2),
/// parsed by the same parser as a cold script's and turned into the
/// response the same way (Status, Location, local redirect, §6 of RFC 3875);
/// STDERR lines go to the error log.
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

    let connection: FastCGIConnection
    var host: FastCGIHostRequest
    /// The application and who served it, for messages.
    let label: String
    /// The application alone, for stderr lines.
    let stderrLabel: String
    let request: Request
    let headerRules: CGIHeaderRules
    let logger: Logger
    /// Whether the exchange was interrupted (timeout, client gone): then
    /// nothing more is written, even if the answer still arrives.
    let isInterrupted: @Sendable () -> Bool
    /// Called when FCGI_END_REQUEST arrives, before the end of the answer
    /// is written to the client: the connection is free from then on. A
    /// client that sends its next request as soon as it has the response
    /// must find the connection idle, or it opens another one, which a
    /// single-process application (`php-cgi -b`) holding this one open
    /// (FCGI_KEEP_CONN) never accepts.
    let onEnd: () -> Void
    private var stderrLines = LineSplitter()
    /// Whether any record of the answer arrived.
    private var answered = false

    init(
        connection: FastCGIConnection, host: FastCGIHostRequest, label: String, origin: String, request: Request, headerRules: CGIHeaderRules,
        logger: Logger, isInterrupted: @escaping @Sendable () -> Bool, onEnd: @escaping () -> Void
    ) {
        self.onEnd = onEnd
        self.connection = connection
        self.host = host
        self.label = "\(label) (\(origin))"
        self.stderrLabel = label
        self.isInterrupted = isInterrupted
        self.request = request
        self.headerRules = headerRules
        self.logger = logger
    }

    /// The writer stays in `slot` unless the response was written.
    mutating func run(slot: inout ResponseWriter?) async throws -> Outcome {
        var parser = CGIOutputParser(rules: headerRules)
        while let event = try await nextEvent() {
            switch event {
            case .end(let end):
                return endedBeforeHead(&parser, end)
            case .stdout(let chunk):
                switch parser.feed(chunk.readableBytesView) {
                case .needMore: continue
                case .failure(let error): return .failed(HTTPError(.badGateway, "\(label): \(error)"), completed: false)
                case .head(let head, let body): return try await relayHead(head, body: body, slot: &slot)
                }
            }
        }
        let error = HTTPError(.badGateway, "\(label): the application closed the connection before answering")
        return answered ? .failed(error, completed: false) : .vanished(error)
    }

    /// STDOUT or the end; STDERR is logged on the way. Nil when the
    /// connection closed.
    private mutating func nextEvent() async throws -> BodyEvent? {
        while let record = try await connection.nextRecord() {
            answered = true
            switch try host.receive(record) {
            case .stdout(let bytes): return .stdout(bytes)
            case .end(let end): flushStderr(); onEnd(); return .end(end)
            case .stderr(let bytes): for line in stderrLines.append(bytes.readableBytesView) { logStderr(line) }
            case nil: continue
            }
        }
        flushStderr()
        return nil
    }

    private enum BodyEvent { case stdout(ByteBuffer), end(FastCGIEndRequest) }

    private mutating func relayHead(_ head: CGIResponseHead, body: [UInt8], slot: inout ResponseWriter?) async throws -> Outcome {
        switch head.kind {
        case .localRedirect(let target):
            // RFC 3875 §6.2.2: no body is allowed; whatever comes is dropped.
            guard try await drainToEnd() else { return .failed(HTTPError(.badGateway, "\(label): connection closed mid-answer"), completed: false) }
            return .localRedirect(target)
        case .document(let status, let fields):
            var headers: HTTPHeaders
            switch ResponseFields.headers(from: fields) {
            case .failure(let error): return .failed(HTTPError(.badGateway, "\(label): \(error.reason)"), completed: false)
            case .success(let valid): headers = valid
            }
            guard !isInterrupted() else { return .failed(HTTPError(.badGateway, "\(label): answer arrived after the request was given up"), completed: false) }
            var first = ByteBuffer(bytes: body)
            let complete = try collectBuffered(into: &first)
            // The whole answer is in hand (a small page usually is): its
            // length is known, so the response goes out in one write with
            // Content-Length rather than chunked.
            let code = HTTPResponseStatus(statusCode: status.code)
            if complete, !headers.contains(name: "content-length"), code.mayHaveBody {
                headers.add(name: "Content-Length", value: String(first.readableBytes))
            }
            let writer = try await slot.take()!.writeHead(status: code, reasonPhrase: status.reason.isEmpty ? nil : status.reason, headers: headers)
            if first.readableBytes > 0 { try await writer.write(first) }
            if complete {
                try await writer.finish()
                return .responded
            }
            while let event = try await nextEvent() {
                switch event {
                case .stdout(let chunk): try await writer.write(chunk)
                case .end: try await writer.finish(); return .responded
                }
            }
            // The head is out: the client can only learn of the loss by the
            // connection closing, which throwing here brings about.
            throw HTTPError(.badGateway, "\(label): the application closed the connection in the middle of its answer")
        }
    }

    /// Appends the STDOUT already received (no waiting) to `body`; true when
    /// FCGI_END_REQUEST was among it.
    private mutating func collectBuffered(into body: inout ByteBuffer) throws -> Bool {
        while let record = try connection.bufferedRecord() {
            switch try host.receive(record) {
            case .stdout(var bytes): body.writeBuffer(&bytes)
            case .stderr(let bytes): for line in stderrLines.append(bytes.readableBytesView) { logStderr(line) }
            case .end: flushStderr(); onEnd(); return true
            case nil: continue
            }
        }
        return false
    }

    /// Reads and drops output up to FCGI_END_REQUEST; false if the
    /// connection closed first.
    private mutating func drainToEnd() async throws -> Bool {
        while let event = try await nextEvent() {
            if case .end = event { return true }
        }
        return false
    }

    /// FCGI_END_REQUEST before a complete header block: an overloaded
    /// application (§5.5) is a 503; otherwise, as a cold script that ends
    /// before its headers, a 500.
    private func endedBeforeHead(_ parser: inout CGIOutputParser, _ end: FastCGIEndRequest) -> Outcome {
        switch end.protocolStatus {
        case .requestComplete:
            return .failed(HTTPError(.internalServerError, "\(label): \(parser.endOfOutput()) (app status \(end.appStatus))"), completed: true)
        case .overloaded:
            return .failed(HTTPError(.serviceUnavailable, "\(label): the application is overloaded", headers: [("Retry-After", "1")]), completed: true)
        default:
            return .failed(HTTPError(.badGateway, "\(label): the application refused the request (\(end.protocolStatus))"), completed: true)
        }
    }

    private mutating func flushStderr() {
        if let rest = stderrLines.rest() { logStderr(rest) }
    }

    private func logStderr(_ line: String) {
        logger.warning("\(line)", metadata: ["fastcgi": "\(stderrLabel)", "stream": "stderr"])
    }
}

extension HTTPResponseStatus {
    /// RFC 9110 §6.4.1: 1xx, 204 and 304 responses have no content.
    var mayHaveBody: Bool {
        !(100..<200).contains(code) && code != 204 && code != 304
    }
}
