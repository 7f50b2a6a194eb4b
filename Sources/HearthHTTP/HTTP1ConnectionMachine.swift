/// The life of one HTTP/1.1 connection (RFC 9112 §9) as a value: the
/// connection's task tells it what happened, it answers what to do next.
///
/// The shape of SwiftNIO's `HTTPServerPipelineHandler` and Hummingbird's
/// connection state: no I/O in here, so each rule about persistence,
/// draining, request limits and how a connection ends is a row in a table
/// test (`HTTP1ConnectionMachineTests`), and `HTTPConnection` only carries
/// the actions out.
struct HTTP1ConnectionMachine {
    enum State: Equatable {
        /// Between requests: waiting for the next head.
        case idle
        /// A request is with the responder.
        case serving
        /// Done; the action that ended it says how.
        case closed
    }

    enum Action: Equatable {
        /// Read the next request head (pipelined ones wait in the decoder).
        case readNextHead
        /// Hand the request to the responder; `keepAlive` is whether its
        /// response may leave the connection open.
        case serve(keepAlive: Bool)
        /// Let what is queued reach the client, then close.
        case close
        /// The client may still be sending what the server will not read
        /// (a refused body, the rest of a malformed request): shut the
        /// output, read and drop until the client stops, then close (RFC
        /// 9112 §9.6, Apache's lingering close).
        case lingerThenClose
    }

    /// What is left of a request's body once its response is complete.
    enum UnreadBody: Equatable {
        /// No body, or all of it was read.
        case none
        /// A Content-Length body's rest, which can be read and skipped.
        case skippable(bytes: Int)
        /// A rest of unknown length (chunked), or one the client holds
        /// back for a `100 Continue` that never came: it may never end.
        case unbounded
        /// The response refused the body (413, 411…): what follows on the
        /// connection is that body, not a next request.
        case refused
    }

    /// At most this much of an unread body is read and dropped to keep the
    /// connection; more, and closing is cheaper than reading it.
    static let skippableBodyLimit = 64 * 1024

    private(set) var state = State.idle
    /// Requests whose head was read, this one included.
    private(set) var served = 0
    let maxRequests: Int

    init(maxRequests: Int) {
        self.maxRequests = maxRequests
    }

    /// The first request's head has been read: the TLS handshake and the
    /// PROXY header are behind it, so the connection's facts are known.
    var isFirstRequest: Bool { served == 1 }

    /// A request head arrived. The response keeps the connection only if
    /// the client asked for that (RFC 9112 §9.3), the connection is under
    /// its request limit, and the server is not shutting down.
    mutating func headReceived(clientKeepsAlive: Bool, draining: Bool) -> Action {
        precondition(state == .idle, "a head while \(state)")
        served += 1
        state = .serving
        return .serve(keepAlive: clientKeepsAlive && served < maxRequests && !draining)
    }

    /// No next head: the client closed (or half-closed) its side, reset
    /// the connection between requests, the idle timeout closed it, or
    /// shutdown began.
    mutating func noNextHead() -> Action {
        state = .closed
        return .close
    }

    /// The bytes where a head should be were not one: answered 400 (or
    /// 431), and nothing after them can be trusted as a request.
    mutating func malformedHead() -> Action {
        state = .closed
        return .lingerThenClose
    }

    /// The response is complete. The connection carries a next request
    /// only if the response said it would and the rest of the body, if
    /// any, is small enough to skip.
    mutating func responseComplete(keptAlive: Bool, unread: UnreadBody) -> Action {
        precondition(state == .serving, "a response while \(state)")
        switch unread {
        case .none where keptAlive:
            state = .idle
            return .readNextHead
        case .skippable(let bytes) where keptAlive && bytes <= Self.skippableBodyLimit:
            state = .idle
            return .readNextHead
        case .none:
            state = .closed
            return .close
        case .skippable, .unbounded, .refused:
            state = .closed
            return .lingerThenClose
        }
    }
}
