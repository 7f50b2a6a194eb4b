import NIOCore
import NIOHTTP1

/// The inbound side of one connection: request heads for the connection
/// loop, body chunks for the responder.
///
/// `@unchecked Sendable` because it is used by one task at a time by
/// construction: the connection loop waits for a head only after the
/// responder has returned, and a responder reads the body only while the
/// loop waits for it.
final class RequestStream: @unchecked Sendable {
    enum BodyState { case none, reading, ended }

    private var iterator: NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    private let channel: Channel
    private let outbound: NIOAsyncChannelOutboundWriter<IOData>
    private let bodyReadTimeout: TimeAmount
    private(set) var bodyState = BodyState.none
    private var continueDue = false
    private(set) var bodyBytesRead = 0
    var bodyLimit = Int.max

    init(inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>, outbound: NIOAsyncChannelOutboundWriter<IOData>, channel: Channel, bodyReadTimeout: Duration) {
        self.iterator = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.channel = channel
        self.bodyReadTimeout = TimeAmount(bodyReadTimeout)
    }

    /// The next request head, or nil when the connection ended. Skips what
    /// is left of the previous body (pipelined requests queue behind it).
    func nextHead() async throws -> HTTPRequestHead? {
        while let part = try await iterator.next() {
            guard case .head(let head) = part else { continue }
            bodyState = .reading
            bodyBytesRead = 0
            bodyLimit = .max
            continueDue = head.headers[canonicalForm: "expect"].contains { $0.lowercased() == "100-continue" }
            return head
        }
        return nil
    }

    /// The next chunk of the current body, or nil at its end. Sends
    /// `100 Continue` first when the client asked for it (RFC 9110 §10.1.1):
    /// only a responder that wants the body makes the client send it.
    func nextBodyChunk() async throws -> ByteBuffer? {
        guard bodyState == .reading else { return nil }
        if continueDue {
            continueDue = false
            try await outbound.write(.byteBuffer(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")))
        }
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: bodyReadTimeout) { channel.close(promise: nil) }
        defer { timer.cancel() }
        let part: HTTPServerRequestPart?
        do {
            part = try await iterator.next()
        } catch let error as HTTPParserError {
            // A malformed body (a bad chunk size, a truncated chunk) is the
            // client's error, and the connection cannot be trusted after it.
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
        case .end, .none:
            bodyState = .ended
            return nil
        case .head:
            throw HTTPError(.badRequest, "request head inside a body")
        }
    }

    /// Whether the connection can carry another request after this one
    /// without reading an unbounded amount of unwanted body: a body that was
    /// never asked for under `Expect: 100-continue` will not come at all.
    var canDrainBody: Bool { bodyState != .reading || !continueDue }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
