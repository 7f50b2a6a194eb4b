import HearthHTTP
import NIOCore
import NIOHTTP1

/// Answers with a fixed text body, with or without a Content-Length.
struct TextResponder: Responder {
    var text = "hello\n"
    var chunked = false

    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        var headers = HTTPHeaders([("Content-Type", "text/plain")])
        if chunked {
            let body = try await writer.writeHead(status: .ok, headers: headers)
            try await body.write(ByteBuffer(string: text))
            try await body.finish()
        } else {
            headers.add(name: "X-Target", value: request.head.uri)
            try await writer.write(status: .ok, headers: headers, body: ByteBuffer(string: text))
        }
    }
}

/// Echoes the request body back, after reading all of it.
struct EchoResponder: Responder {
    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        let body = try await request.body.collect(upTo: 8 * 1024 * 1024)
        try await writer.write(status: .ok, headers: HTTPHeaders([("Content-Type", "application/octet-stream")]), body: body)
    }
}

/// Waits until told, so a test can hold a request in flight; says when a
/// request has arrived, so the test knows it is in flight.
struct GateResponder: Responder {
    let gate: AsyncStream<Void>
    var entered: AsyncStream<Void>.Continuation?

    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        entered?.yield()
        for await _ in gate { break }
        try await writer.write(status: .ok, body: ByteBuffer(string: "released\n"))
    }
}
