import NIOCore
import NIOHTTP1

/// Writes the one response to a request. Non-copyable and consumed by every
/// way of answering, so a responder cannot answer twice, nor send a normal
/// response after taking the raw connection (NPH).
public struct ResponseWriter: ~Copyable, Sendable {
    let exchange: Exchange

    init(exchange: Exchange) { self.exchange = exchange }

    /// Records the authenticated user for the access log's user field
    /// (Apache's `%u`); the writer is not consumed.
    public func recordUser(_ user: String) {
        exchange.user = user
    }

    /// Sends the status and headers; the body follows through the returned
    /// writer. Framing (`Content-Length` or chunked), `Connection`, `Date`
    /// and `Server` are the server's business: hop-by-hop fields given here
    /// are dropped, a valid `Content-Length` is kept.
    /// `reasonPhrase` replaces the standard one (a CGI script's `Status:
    /// 404 Nowhere` keeps its words, as Apache does).
    public consuming func writeHead(status: HTTPResponseStatus, reasonPhrase: String? = nil, headers: HTTPHeaders) async throws -> ResponseBodyWriter {
        let framing = ResponseHead.framing(status: status, headers: headers, request: exchange.requestHead)
        if exchange.isHTTP2 {
            let head = ResponseHead.http2(status: status, headers: headers, framing: framing, exchange: exchange)
            exchange.status = status
            exchange.phase = .streamingBody
            return ResponseBodyWriter(exchange: exchange, framing: framing, http2Head: head)
        }
        exchange.settleKeepAlive()
        if framing == .untilClose { exchange.keepAlive = false }
        let head = ResponseHead.serialize(status: status, reasonPhrase: reasonPhrase ?? status.reasonPhrase, headers: headers, framing: framing, exchange: exchange)
        exchange.status = status
        exchange.phase = .streamingBody
        let body = ResponseBodyWriter(exchange: exchange, framing: framing, pendingHead: head)
        return body
    }

    /// Sends a complete response with a body held in memory: head and body
    /// in one write, framed by `Content-Length`.
    public consuming func write(status: HTTPResponseStatus, reasonPhrase: String? = nil, headers: HTTPHeaders = HTTPHeaders(), body: ByteBuffer) async throws {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        let writer = try await writeHead(status: status, reasonPhrase: reasonPhrase, headers: headers)
        try await writer.write(body)
        try await writer.finish()
    }

    /// Sends the short error page for a status.
    public consuming func writeError(_ error: HTTPError) async throws {
        var headers = HTTPHeaders([("Content-Type", "text/html; charset=utf-8")])
        for (name, value) in error.extraHeaders { headers.add(name: name, value: value) }
        try await write(status: error.status, headers: headers, body: ByteBuffer(string: ErrorPage.body(for: error.status)))
    }

    /// Hands the raw connection to the caller (RFC 3875 §5: NPH output
    /// reaches the client unmodified). The connection closes afterwards.
    public consuming func takeOverConnection() -> RawConnectionWriter {
        exchange.phase = .rawTakeover
        exchange.keepAlive = false
        return RawConnectionWriter(exchange: exchange)
    }
}

/// The body half of a response. `finish()` must be called once the body is
/// complete; a body shorter than its `Content-Length` closes the connection.
public struct ResponseBodyWriter: Sendable {
    let exchange: Exchange
    let framing: BodyFraming
    private let pending: PendingHead<ByteBuffer>
    /// On an HTTP/2 stream: the head, held back as `pending` is
    /// (`ResponseWriter+HTTP2`).
    let http2: PendingHead<HTTPResponseHead>?

    init(exchange: Exchange, framing: BodyFraming, pendingHead: ByteBuffer) {
        self.exchange = exchange
        self.framing = framing
        self.pending = PendingHead(pendingHead)
        self.http2 = nil
    }

    init(exchange: Exchange, framing: BodyFraming, http2Head: HTTPResponseHead) {
        self.exchange = exchange
        self.framing = framing
        self.pending = PendingHead(ByteBuffer())
        self.http2 = PendingHead(http2Head)
    }

    /// The head, the first time only; from then on the response is on the
    /// wire and no `100 Continue` may follow it.
    private func takeHead() -> ByteBuffer? {
        let head = pending.take()
        if head != nil { exchange.responseStarted() }
        return head
    }

    /// Sends body bytes; on HEAD (or a status without a body) they are
    /// discarded (RFC 3875 §4.3.3). Bytes beyond a declared length are cut.
    public func write(_ buffer: ByteBuffer) async throws {
        if let http2 { return try await writeHTTP2(buffer, head: http2) }
        var out = takeHead() ?? ByteBuffer()
        switch framing {
        case .none:
            break
        case .length(let length):
            let room = max(0, length - exchange.bodyBytesSent)
            var slice = buffer
            if slice.readableBytes > room { slice = slice.getSlice(at: slice.readerIndex, length: room)!; exchange.keepAlive = false }
            exchange.bodyBytesSent += slice.readableBytes
            out.writeImmutableBuffer(slice)
        case .chunked:
            guard buffer.readableBytes > 0 else { break }
            exchange.bodyBytesSent += buffer.readableBytes
            out.writeString(String(buffer.readableBytes, radix: 16) + "\r\n")
            out.writeImmutableBuffer(buffer)
            out.writeStaticString("\r\n")
        case .untilClose:
            exchange.bodyBytesSent += buffer.readableBytes
            out.writeImmutableBuffer(buffer)
        }
        if out.readableBytes > 0 { try await exchange.outbound.write(.byteBuffer(out)) }
    }

    /// Sends a file region (zero-copy sendfile); only with `Content-Length`.
    /// Returns once the region has been sent (or the connection failed), so
    /// the caller may close its file handle right after: closing earlier
    /// would race the event loop's sendfile.
    public func write(fileRegion: FileRegion) async throws {
        if let http2 { return try await writeHTTP2(fileRegion: fileRegion, head: http2) }
        let head = takeHead()
        guard case .length = framing else {
            if let head { try await exchange.outbound.write(.byteBuffer(head)) }
            return
        }
        exchange.bodyBytesSent += fileRegion.readableBytes
        guard !exchange.encrypted else {
            // TLS encrypts in user space: no sendfile, the file is read and
            // written through the TLS handler a piece at a time.
            if let head { try await exchange.outbound.write(.byteBuffer(head)) }
            try await FileRegionCopy.send(fileRegion) { try await exchange.outbound.write(.byteBuffer($0)) }
            return try await exchange.allWritten()
        }
        try await exchange.outbound.write((head.map { [IOData.byteBuffer($0)] } ?? []) + [.fileRegion(fileRegion)])
        try await exchange.allWritten()
    }

    /// Ends the body.
    public func finish() async throws {
        if let http2 { return try await finishHTTP2(head: http2) }
        var out = takeHead() ?? ByteBuffer()
        switch framing {
        case .chunked: out.writeStaticString("0\r\n\r\n")
        case .length(let length) where exchange.bodyBytesSent < length: exchange.keepAlive = false
        default: break
        }
        exchange.phase = .finished
        if out.readableBytes > 0 { try await exchange.outbound.write(.byteBuffer(out)) }
    }
}

/// The head is held back until the first body write so that head and the
/// start of the body leave in one write.
final class PendingHead<Head>: @unchecked Sendable {
    private var head: Head?
    init(_ head: Head) { self.head = head }
    func take() -> Head? {
        defer { head = nil }
        return head
    }
}

/// The raw connection, for NPH scripts.
public struct RawConnectionWriter: Sendable {
    let exchange: Exchange

    public func write(_ buffer: ByteBuffer) async throws {
        // A stream's codec takes response parts, not bytes: nothing raw
        // may reach it (the CGI gateway refuses NPH over HTTP/2 first).
        if exchange.isHTTP2 { throw HTTPError.nphOverHTTP2("the response") }
        exchange.responseStarted()
        if exchange.status == nil { exchange.status = RawStatus.parse(buffer) }
        exchange.bodyBytesSent += buffer.readableBytes
        try await exchange.outbound.write(.byteBuffer(buffer))
    }
}

/// The status an NPH script sent, for the access log.
enum RawStatus {
    static func parse(_ buffer: ByteBuffer) -> HTTPResponseStatus? {
        let line = buffer.getString(at: buffer.readerIndex, length: min(buffer.readableBytes, 16)) ?? ""
        let parts = line.split(separator: " ")
        guard parts.count >= 2, let code = Int(parts[1].prefix(3)) else { return nil }
        return HTTPResponseStatus(statusCode: code)
    }
}
