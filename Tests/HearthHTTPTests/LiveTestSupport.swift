import HearthHTTP
import HearthTesting
import NIOCore
import NIOHTTP1
import Testing

/// A plain GET on a fresh connection: the server still serves after
/// whatever the test did to another connection.
func expectServesNewConnection(_ server: LiveServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let response = try await rawRequest("GET /fresh HTTP/1.1\r\nHost: x\r\n\r\n", port: server.port, host: server.host)
    #expect(response.status == 200, sourceLocation: sourceLocation)
}

/// Everything the peer sends until it closes (EOF or a reset), as text.
/// A connection the server leaves open past the client's receive timeout
/// fails the test: a hang must not read as "nothing was sent".
func textUntilClose(_ connection: RawConnection, sourceLocation: SourceLocation = #_sourceLocation) async -> String {
    do {
        return String(decoding: try await connection.readUntilPeerCloses(), as: UTF8.self)
    } catch {
        Issue.record("the server did not close the connection: \(error)", sourceLocation: sourceLocation)
        return ""
    }
}

/// How many responses (status lines) a stretch of raw output holds.
func statusLineCount(_ text: String) -> Int {
    text.components(separatedBy: "\r\n").filter { $0.hasPrefix("HTTP/1.") }.count
}

/// Throws the error it is given, before answering.
struct ThrowingResponder: Responder {
    let error: any Error

    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        throw error
    }
}

/// An error whose text must never reach a client.
struct InternalFailure: Error, CustomStringConvertible {
    var description: String { "database password=hunter2 at /srv/secret/db.sqlite" }
}

/// How a responder's read of the request body ended.
enum BodyReadOutcome: Sendable, Equatable {
    case complete(bytes: Int)
    case failed
}

/// Reads the whole body and reports how the read ended, so a test sees
/// what the responder saw even when no response can reach the client.
struct BodyOutcomeResponder: Responder {
    let outcomes: AsyncStream<BodyReadOutcome>.Continuation

    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 1024 * 1024)
        } catch {
            outcomes.yield(.failed)
            throw error
        }
        outcomes.yield(.complete(bytes: body.readableBytes))
        try await writer.write(status: .ok, body: body)
    }
}
