import HearthCGI
import HearthHTTP
import NIOCore
import NIOHTTP1

extension ScriptRun {
    /// Reads stdout: NPH output goes to the raw connection as it is (§5);
    /// otherwise the header block is parsed (§6) and the response written.
    /// The writer stays in `slot` unless the response was written.
    func relayStdout(into slot: inout ResponseWriter?, activity: Activity) async throws -> Outcome {
        let output = process.stdout
        // Whatever happens here, the pipe is not left open behind the relay.
        defer { output.close() }
        if script.isNPH {
            return try await relayRaw(output, to: slot.take()!.takeOverConnection(), activity: activity)
        }
        var parser = CGIOutputParser(maxHeaderBytes: mount.maxScriptHeaderBytes, names: mount.scriptHeaders)
        while let chunk = try await output.next() {
            activity.touch()
            switch parser.feed(chunk.readableBytesView) {
            case .needMore:
                continue
            case .failure(let error):
                process.stop(.cancelled, grace: mount.killGrace)
                return .failed(HTTPError(.badGateway, "\(script.filePath): \(error)"))
            case .head(let head, let body):
                return try await relayHead(head, body: body, output: output, slot: &slot, activity: activity)
            }
        }
        return endedBeforeHead(&parser)
    }

    private func relayHead(_ head: CGIResponseHead, body: [UInt8], output: ScriptStdout, slot: inout ResponseWriter?, activity: Activity) async throws -> Outcome {
        switch head.kind {
        case .localRedirect(let target):
            // §6.2.2: no body is allowed; whatever comes is read and dropped.
            while try await output.next() != nil { activity.touch() }
            return .localRedirect(target)
        case .document(let status, let fields):
            let headers: HTTPHeaders
            switch ResponseFields.headers(from: fields) {
            case .failure(let error):
                process.stop(.cancelled, grace: mount.killGrace)
                return .failed(HTTPError(.badGateway, "\(script.filePath): \(error.reason)"))
            case .success(let valid): headers = valid
            }
            let reasonPhrase = status.reason.isEmpty ? nil : status.reason
            if let whole = wholeBody(first: body, output: output, headers: headers) {
                return try await respondWhole(whole, status: status.code, reasonPhrase: reasonPhrase, headers: headers, slot: &slot)
            }
            let writer = try await slot.take()!.writeHead(
                status: HTTPResponseStatus(statusCode: status.code), reasonPhrase: reasonPhrase, headers: headers
            )
            let sent = try await relayBody(first: body, output: output, to: writer, activity: activity)
            if let declared = headers.first(name: "content-length").flatMap(Int.init), sent < declared, request.head.method != .HEAD {
                logger.warning("script wrote \(sent) of the \(declared) bytes its Content-Length declared; connection closed", metadata: ["script": "\(script.filePath)"])
            }
            return .responded
        }
    }

    /// The whole body, when the script gave no `Content-Length` and has
    /// already closed its stdout with every byte of it buffered: the usual
    /// small cold response. It then leaves with a `Content-Length` in one
    /// write, not chunked with the last chunk in a second (§6.2.1: the
    /// server fits the output to the response's protocol); an HTTP/1.0
    /// client can keep its connection, too. Not for HEAD: there a script
    /// MUST NOT send a body (§4.3.3), and a length of 0 would be false.
    private func wholeBody(first: [UInt8], output: ScriptStdout, headers: HTTPHeaders) -> ByteBuffer? {
        guard request.head.method != .HEAD, !headers.contains(name: "content-length"), process.stopReason == nil,
              let rest = output.takeRestIfEnded() else { return nil }
        var body = ByteBuffer(bytes: first)
        for var chunk in rest { body.writeBuffer(&chunk) }
        return body
    }

    private func respondWhole(_ body: ByteBuffer, status: Int, reasonPhrase: String?, headers: HTTPHeaders, slot: inout ResponseWriter?) async throws -> Outcome {
        if let cap = mount.maxOutputBytes, body.readableBytes > cap {
            return .failed(HTTPError(.badGateway, "\(script.filePath): output over \(cap) bytes"))
        }
        try await slot.take()!.write(status: HTTPResponseStatus(statusCode: status), reasonPhrase: reasonPhrase, headers: headers, body: body)
        return .responded
    }

    /// Streams the body as it comes, never buffering it whole; returns the
    /// bytes the script wrote.
    @discardableResult
    private func relayBody(first: [UInt8], output: ScriptStdout, to writer: ResponseBodyWriter, activity: Activity) async throws -> Int {
        var sent = first.count
        do {
            if !first.isEmpty { try await writer.write(ByteBuffer(bytes: first)) }
            while let chunk = try await output.next() {
                activity.touch()
                sent += chunk.readableBytes
                if let cap = mount.maxOutputBytes, sent > cap {
                    process.stop(.cancelled, grace: mount.killGrace)
                    throw HTTPError(.badGateway, "\(script.filePath): output over \(cap) bytes")
                }
                try await writer.write(chunk)
            }
        } catch let error as HTTPError {
            throw error
        } catch {
            process.stop(.clientGone, grace: mount.killGrace)
            throw error
        }
        if process.stopReason == .timedOut {
            throw HTTPError(.gatewayTimeout, "\(script.filePath): timed out after sending part of its body")
        }
        // A script killed by a signal (a limit's SIGXCPU or SIGKILL, a
        // crash) wrote an unknown part of its answer: the response is cut
        // off, never ended as if it were whole.
        if let signal = await process.killedBySignal() {
            throw HTTPError(.badGateway, "\(script.filePath): killed by signal \(signal) after sending part of its body")
        }
        try await writer.finish()
        return sent
    }

    /// §5.2: NPH output reaches the client unmodified.
    private func relayRaw(_ output: ScriptStdout, to connection: RawConnectionWriter, activity: Activity) async throws -> Outcome {
        while let chunk = try await output.next() {
            activity.touch()
            do {
                try await connection.write(chunk)
            } catch {
                process.stop(.clientGone, grace: mount.killGrace)
                throw error
            }
        }
        return .responded
    }

    /// Stdout closed before a complete header block: a timeout (504), a
    /// client that left, or a script that failed (500, as Apache's
    /// "premature end of script headers").
    private func endedBeforeHead(_ parser: inout CGIOutputParser) -> Outcome {
        let error = parser.endOfOutput()
        switch process.stopReason {
        case .timedOut:
            return .failed(HTTPError(.gatewayTimeout, "\(script.filePath): no response within the timeout"))
        case .clientGone:
            return .failed(HTTPError(HTTPResponseStatus(statusCode: 499, reasonPhrase: "Client Closed Request"), "\(script.filePath): client went away"))
        case .cancelled, nil:
            return .failed(HTTPError(.internalServerError, "\(script.filePath): \(error)"))
        }
    }
}
