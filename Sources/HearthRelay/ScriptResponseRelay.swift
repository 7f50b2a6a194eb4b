import HearthCGI
import HearthHTTP
import Logging
import NIOCore
import NIOHTTP1

/// Turns a script's CGI/1.1 output into the HTTP response, one way for
/// every door (a cold script, a warm FastCGI worker): the head is parsed
/// (§6), its fields checked (`ResponseFields`), the body streamed with
/// backpressure under the output cap, and the end of the output judged by
/// the source before the response is ended.
package struct ScriptResponseRelay {
    /// The script and who ran it, for messages.
    package let label: String
    package let request: Request
    /// Largest header block the script may send.
    package let headerRules: CGIHeaderRules
    /// Body bytes allowed before the response is given up (SECURITY.md,
    /// "runaway output"); nil for no cap.
    package let maxOutputBytes: Int?
    /// Sends the file an `X-Sendfile` or `X-Accel-Redirect` names; nil
    /// where the mount allows none (then such an answer is a 502).
    package let sendfile: (any ScriptFileSender)?
    package let logger: Logger

    package init(
        label: String, request: Request, headerRules: CGIHeaderRules, maxOutputBytes: Int?, sendfile: (any ScriptFileSender)? = nil, logger: Logger
    ) {
        self.label = label
        self.request = request
        self.headerRules = headerRules
        self.maxOutputBytes = maxOutputBytes
        self.sendfile = sendfile
        self.logger = logger
    }

    /// Reads the head, then answers. The writer stays in `slot` unless the
    /// response was written. Throws once the head is out and the body
    /// cannot be completed: the client learns of the loss only by the
    /// connection closing, which the throw brings about.
    package func run(_ source: inout some ScriptOutputSource, slot: inout ResponseWriter?) async throws -> ScriptRelayOutcome {
        var parser = CGIOutputParser(rules: headerRules)
        while let chunk = try await source.next() {
            switch parser.feed(chunk.readableBytesView) {
            case .needMore:
                continue
            case .failure(let error):
                source.abandon(.badOutput)
                return .failed(request.refused(ScriptOutputRule(error), HTTPError(.badGateway, "\(label): \(error)")))
            case .head(let head, let body):
                return try await relay(head, body: body, source: &source, slot: &slot)
            }
        }
        let missing = parser.endOfOutput()
        return .failed(request.refused(ScriptOutputRule(missing), source.endedBeforeHead(missing)))
    }

    /// §5.2: NPH output reaches the client unmodified, through the raw
    /// connection. A cold script's only: FastCGI has no NPH.
    package func runUnparsed(_ source: inout some ScriptOutputSource, to connection: RawConnectionWriter) async throws {
        while let chunk = try await source.next() {
            do {
                try await connection.write(chunk)
            } catch {
                source.abandon(.clientGone)
                throw error
            }
        }
    }

    private func relay(_ head: CGIResponseHead, body: [UInt8], source: inout some ScriptOutputSource, slot: inout ResponseWriter?) async throws -> ScriptRelayOutcome {
        switch head.kind {
        case .localRedirect(let target):
            // §6.2.2: no body is allowed; whatever comes is read and dropped.
            while try await source.next() != nil {}
            if let error = await source.endVerdict() { return .failed(error) }
            return .localRedirect(target)
        case .document(let status, let fields):
            let headers: HTTPHeaders
            switch ResponseFields.headers(from: fields) {
            case .failure(let error):
                source.abandon(.badOutput)
                return .failed(request.refused(.contentLength, HTTPError(.badGateway, "\(label): \(error.reason)")))
            case .success(let valid): headers = valid
            }
            if let error = source.interruption() { return .failed(error) }
            if let target = ScriptFileTarget(headers) { return try await sendFile(target, headers: headers, source: &source, slot: &slot) }
            let code = HTTPResponseStatus(statusCode: status.code)
            let reasonPhrase = status.reason.isEmpty ? nil : status.reason
            if let error = overCap(body.count) {
                source.abandon(.badOutput)
                return .failed(error)
            }
            if let rest = try source.takeRestIfEnded() {
                var whole = ByteBuffer(bytes: body)
                for var chunk in rest { whole.writeBuffer(&chunk) }
                if let error = await source.endVerdict() ?? overCap(whole.readableBytes) { return .failed(error) }
                try await respondWhole(whole, status: code, reasonPhrase: reasonPhrase, headers: headers, slot: &slot)
                return .responded
            }
            let writer = try await slot.take()!.writeHead(status: code, reasonPhrase: reasonPhrase, headers: headers)
            warnIfShort(try await relayBody(first: body, source: &source, to: writer), headers: headers)
            return .responded
        }
    }

    /// The whole answer, when the output has already ended with every byte
    /// in hand: the usual small one. Without a `Content-Length` from the
    /// script it leaves with one, in one write, not chunked with the last
    /// chunk in a second (§6.2.1: the server fits the output to the
    /// response's protocol); an HTTP/1.0 client keeps its connection, too.
    /// Not for HEAD: a script MUST NOT send a body there (§4.3.3), so a
    /// length counted from it would be false (RFC 9110 §9.3.2: a HEAD
    /// answer's fields are a GET's); nor for a status without content
    /// (RFC 9110 §6.4.1).
    private func respondWhole(_ body: ByteBuffer, status: HTTPResponseStatus, reasonPhrase: String?, headers: HTTPHeaders, slot: inout ResponseWriter?) async throws {
        if request.head.method != .HEAD, status.mayHaveBody, !headers.contains(name: "content-length") {
            return try await slot.take()!.write(status: status, reasonPhrase: reasonPhrase, headers: headers, body: body)
        }
        let writer = try await slot.take()!.writeHead(status: status, reasonPhrase: reasonPhrase, headers: headers)
        try await writer.write(body)
        try await writer.finish()
        warnIfShort(body.readableBytes, headers: headers)
    }

    /// Streams the body as it comes, never buffering it whole; returns the
    /// bytes the script wrote.
    private func relayBody(first: [UInt8], source: inout some ScriptOutputSource, to writer: ResponseBodyWriter) async throws -> Int {
        var sent = first.count
        do {
            if !first.isEmpty { try await writer.write(ByteBuffer(bytes: first)) }
            while let chunk = try await source.next() {
                sent += chunk.readableBytes
                if let error = overCap(sent) {
                    source.abandon(.badOutput)
                    throw error
                }
                try await writer.write(chunk)
            }
        } catch let error as HTTPError {
            throw error
        } catch {
            source.abandon(.clientGone)
            throw error
        }
        if let error = await source.endVerdict() { throw error }
        try await writer.finish()
        return sent
    }

    /// The file a script named goes out instead of its body, which is read
    /// and dropped (as a local redirect's); the naming field never reaches
    /// the client. Without `sendfile` (a mount with no `sendfile_roots`),
    /// a 502 and a log line: a script cannot make the server send a file
    /// the configuration did not allow.
    private func sendFile(
        _ target: ScriptFileTarget, headers: HTTPHeaders, source: inout some ScriptOutputSource, slot: inout ResponseWriter?
    ) async throws -> ScriptRelayOutcome {
        while try await source.next() != nil {}
        if let error = await source.endVerdict() { return .failed(error) }
        guard let sendfile else {
            logger.error("script named a file to send; its mount has no sendfile_roots", metadata: ["script": "\(label)", "field": "\(target)"])
            return .failed(request.refused(.sendfileNotAllowed, HTTPError(.badGateway, "\(label): \(target) on a mount without sendfile_roots")))
        }
        try await sendfile.send(target, request: request, headers: ScriptFileTarget.otherFields(of: headers), label: label, writer: slot.take()!)
        return .responded
    }

    private func warnIfShort(_ sent: Int, headers: HTTPHeaders) {
        guard request.head.method != .HEAD, let declared = headers.first(name: "content-length").flatMap(Int.init), sent < declared else { return }
        logger.warning("script wrote \(sent) of the \(declared) bytes its Content-Length declared; connection closed", metadata: ["script": "\(label)"])
    }

    private func overCap(_ bytes: Int) -> HTTPError? {
        guard let cap = maxOutputBytes, bytes > cap else { return nil }
        return request.refused(.outputCap, HTTPError(.badGateway, "\(label): output over \(cap) bytes"))
    }
}

extension HTTPResponseStatus {
    /// RFC 9110 §6.4.1: 1xx, 204 and 304 responses have no content.
    package var mayHaveBody: Bool {
        !(100..<200).contains(code) && code != 204 && code != 304
    }
}
