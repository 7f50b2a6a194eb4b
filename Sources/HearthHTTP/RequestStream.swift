import NIOCore
import NIOHTTP1
import Synchronization

/// The inbound side of one connection: request heads for the connection
/// loop, body chunks for the responder.
///
/// `@unchecked Sendable` because it is used by one task at a time by
/// construction: the connection loop waits for a head only after the
/// responder has returned, and a responder reads the body only while the
/// loop waits for it.
final class RequestStream: @unchecked Sendable {
    enum BodyState { case none, reading, ended }

    /// `Expect: 100-continue` (RFC 9110 §10.1.1): the client holds the body
    /// back until asked. `forgone` once the final response started first:
    /// a 1xx may only precede it (RFC 9110 §15.2), and the body may never
    /// come. Locked: a gateway reads the body and writes the response from
    /// two tasks at once.
    enum ContinueState { case notExpected, due, sent, forgone }

    private let io: ConnectionIO
    private let channel: Channel
    private let bodyReadTimeout: TimeAmount
    private(set) var bodyState = BodyState.none
    private let continueState = Mutex(ContinueState.notExpected)
    private(set) var bodyBytesRead = 0
    /// The stream's head read as HTTP/2.0.
    private var isHTTP2 = false
    var bodyLimit = Int.max

    init(io: ConnectionIO, channel: Channel, bodyReadTimeout: Duration) {
        self.io = io
        self.channel = channel
        self.bodyReadTimeout = TimeAmount(bodyReadTimeout)
    }

    /// The next request head, or nil when the connection ended. Skips what
    /// is left of the previous body (pipelined requests queue behind it).
    func nextHead() async throws -> HTTPRequestHead? {
        while let part = try await io.next() {
            guard case .head(let head) = part else { continue }
            bodyState = .reading
            bodyBytesRead = 0
            bodyLimit = .max
            // No 100 for a request whose framing says it has no body.
            isHTTP2 = head.version.major == 2
            let hasBody = head.headers.contains(name: "transfer-encoding") || (head.headers.first(name: "content-length").flatMap { Int($0) } ?? 0) > 0
            let expects = hasBody && head.headers[canonicalForm: "expect"].contains { $0.lowercased() == "100-continue" }
            continueState.withLock { $0 = expects ? .due : .notExpected }
            return head
        }
        return nil
    }

    /// The next chunk of the current body, or nil at its end. Sends
    /// `100 Continue` first when the client asked for it (RFC 9110 §10.1.1):
    /// only a responder that wants the body makes the client send it.
    func nextBodyChunk() async throws -> ByteBuffer? {
        guard bodyState == .reading else { return nil }
        let askForBody = continueState.withLock { state in
            guard state == .due else { return false }
            state = .sent
            return true
        }
        if askForBody {
            if isHTTP2 {
                // RFC 9113 §8.1: a 1xx is a HEADERS frame of its own.
                try await io.write([.head(HTTPResponseHead(version: .init(major: 2, minor: 0), status: .continue))])
            } else {
                try await io.write(.byteBuffer(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")))
            }
        }
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: bodyReadTimeout) { channel.close(promise: nil) }
        defer { timer.cancel() }
        let part: HTTPServerRequestPart?
        do {
            part = try await io.next()
        } catch let error as HTTPParserError {
            // A malformed body (a bad chunk size, a truncated chunk) is the
            // client's error, and the connection cannot be trusted after it.
            bodyState = .ended
            throw HTTPError(.badRequest, "malformed request body: \(error)")
        } catch let error as FramingByteLimit.Exceeded {
            bodyState = .ended
            throw HTTPError(.badRequest, "malformed request body: \(error)")
        }
        switch part {
        case .body(let chunk):
            bodyBytesRead += chunk.readableBytes
            guard bodyBytesRead <= bodyLimit else {
                throw HTTPError(.payloadTooLarge, "request body over \(bodyLimit) bytes")
            }
            return chunk
        case .end:
            bodyState = .ended
            return nil
        case .none:
            // The connection closed inside the body (usually the timeout
            // above): the message is incomplete (RFC 9112 §8), and a short
            // body must not pass for the whole one.
            throw HTTPError(.requestTimeout, "request body cut off after \(bodyBytesRead) bytes: the connection closed")
        case .head:
            throw HTTPError(.badRequest, "request head inside a body")
        }
    }

    /// Whether the connection can carry another request after this one
    /// without reading an unbounded amount of unwanted body: a body that was
    /// never asked for under `Expect: 100-continue` may not come at all.
    var canDrainBody: Bool {
        guard bodyState == .reading else { return true }
        let state = continueState.withLock { $0 }
        return state == .notExpected || state == .sent
    }

    /// True while the client still waits for `100 Continue` before sending
    /// the body of the current request (so nothing of it was read yet).
    /// Only the locked state is read: the response writer may ask while a
    /// gateway task reads the body.
    var continueIsDue: Bool { continueState.withLock { $0 == .due } }

    /// Called as the final response starts on the wire: from then on no
    /// `100 Continue` may be sent.
    func finalResponseStarted() {
        continueState.withLock { state in
            if state == .due { state = .forgone }
        }
    }
}
