import HearthHTTP
import NIOCore
import NIOHTTP1

/// The answer a `StaticFileResponder` decided on, before any byte is sent.
enum StaticReply {
    case file(OpenFile, status: HTTPResponseStatus, range: Range<Int>, headers: HTTPHeaders)
    /// A small file's body (or the part of it a range asks for), read
    /// ahead (`loadingSmallBody`) to leave in one write with the head.
    case loaded(ByteBuffer, status: HTTPResponseStatus, headers: HTTPHeaders)
    /// RFC 9110 §15.4.5: a 304 carries the validators a 200 would have.
    case notModified(HTTPHeaders)
    case redirect(String)
    /// A page made here (a directory listing), whole in memory.
    case page(ByteBuffer, headers: HTTPHeaders)
    case error(HTTPError)

    func send(for request: Request, writer: consuming ResponseWriter) async throws {
        switch self {
        case .file(let file, let status, let range, var headers):
            headers.add(name: "Content-Length", value: String(range.count))
            let body = try await writer.writeHead(status: status, headers: headers)
            // HEAD: the same head, no body (RFC 9110 §9.3.2).
            if request.head.method == .GET && !range.isEmpty {
                try await file.send(range, through: body)
                (request.notes.observer as? any StaticFileObserver)?.fileBodySent(bytes: range.count)
            }
            file.close()
            try await body.finish()
        case .loaded(let body, let status, let headers):
            // Content-Length is the body's; HEAD never gets here.
            let bytes = body.readableBytes
            try await writer.write(status: status, headers: headers, body: body)
            (request.notes.observer as? any StaticFileObserver)?.fileBodySent(bytes: bytes)
        case .notModified(let headers):
            try await writer.writeHead(status: .notModified, headers: headers).finish()
        case .redirect(let location):
            // 301 to the slash form (RFC 9110 §15.4.2), with the short page.
            try await writer.writeError(HTTPError(.movedPermanently, headers: [("Location", location)]))
        case .page(let body, let headers):
            // HEAD: the same head, no body (the writer drops it).
            try await writer.write(status: .ok, headers: headers, body: body)
        case .error(let error):
            try await writer.writeError(error)
        }
    }
}
