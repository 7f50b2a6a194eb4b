#if canImport(Glibc)
import Glibc
#endif
import HearthCGI
import HearthFastCGI
import HearthScripts
import HearthHTTP
import HearthRelay
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// One request over a leased FastCGI connection, in the Responder role
/// (FastCGI 1.0 §6.2): the parameters and body go out as records while the
/// answer is read concurrently (never the whole body first), STDOUT is
/// CGI/1.1 output parsed as on the cold path, STDERR goes to the error log.
struct FastCGIExchange {
    let lease: BackendLease
    let request: Request
    let label: String
    let headerRules: CGIHeaderRules
    let maxOutputBytes: Int?
    let sendfile: (any ScriptFileSender)?
    let redirector: LocalRedirector
    let logger: Logger

    /// Why the exchange ended early, as the watch saw it.
    enum Interruption: Sendable { case timedOut, clientGone }

    /// The connection closed before any answer; the writer is untouched, so
    /// the request may be tried again elsewhere.
    struct Vanished: Error {
        var error: HTTPError
        /// The worker had left by itself (status 0): it never took the request.
        var workerLeft: Bool
    }

    /// Runs the request. The writer stays in `slot` when nothing was written
    /// (`Vanished`, or an error answered by the caller).
    func run(params: [(String, String)], input: ScriptInput, slot: inout ResponseWriter?) async throws {
        let host = FastCGIHostRequest(keepConnection: true)
        let interruption = ExchangeFlags()
        let watch = startWatch(host: host, interruption: interruption)
        // The watch ends before the lease is given back: a client leaving
        // after that must not abort the connection's next request.
        defer { watch.cancel() }
        var relay = FastCGIResponseRelay(
            connection: lease.connection, host: host, label: label, origin: lease.origin, request: request,
            headerRules: headerRules, maxOutputBytes: maxOutputBytes, sendfile: sendfile, logger: logger, isInterrupted: { interruption.interruption != nil },
            onEnd: { [lease] in
                // The request is over for the application: watch ended
                // first, as below, then the connection given back clean.
                interruption.end()
                watch.cancel()
                lease.release(.completed)
            }
        )
        let pump = interruption
        let outcome: FastCGIResponseRelay.Outcome
        do {
            var records = ByteBuffer()
            try host.writeHead(params: params, into: &records)
            if input.fitsSocketBuffer {
                // The whole request in one write, and no second task: the
                // common case (GET, a small form) pays for no concurrency.
                do {
                    try await sendBody(records, host: host, input: input)
                    pump.bodySent()
                    outcome = try await relay.run(slot: &slot)
                } catch where !pump.isBodySent {
                    // Not even the request could be written (the worker is
                    // gone): nothing was answered, so it may go elsewhere.
                    outcome = .vanished(HTTPError(.badGateway, "\(label) (\(lease.origin)): cannot send the request: \(error)"))
                }
            } else {
                outcome = try await streamBody(records, host: host, input: input, pump: pump, relay: &relay, slot: &slot)
            }
        } catch {
            interruption.end()
            watch.cancel()
            lease.release(.broken)
            throw interrupted(interruption.interruption) ?? pump.bodyError ?? protocolError(error) ?? error
        }
        interruption.end()
        watch.cancel()
        switch outcome {
        case .responded:
            lease.release(.completed)
        case .vanished(let error) where interruption.interruption != nil:
            // The application dropped a request we aborted: that is its
            // right (§5.4), not a sign the worker is broken.
            lease.release(.broken)
            throw interrupted(interruption.interruption) ?? error
        case .vanished(let error):
            // Asked before the release, which stops a worker still running.
            let workerLeft = await lease.leftByItself()
            lease.release(.vanished)
            throw interrupted(interruption.interruption).map { $0 as any Error } ?? Vanished(error: error, workerLeft: workerLeft)
        case .failed(let error, let completed):
            lease.release(completed ? .completed : .broken)
            throw interrupted(interruption.interruption) ?? pump.bodyError ?? error
        case .localRedirect(let target):
            lease.release(.completed)
            logger.debug("local redirect", metadata: ["fastcgi": "\(label)", "location": "\(target)"])
            try await redirector.dispatch(request.redirected(to: target), writer: slot.take()!)
        }
    }

    /// An application that breaks FastCGI framing is a bad gateway (502),
    /// never the server's own 500.
    private func protocolError(_ error: any Error) -> HTTPError? {
        guard error is FastCGIRecordDecoderError || error is FastCGIHostRequestError else { return nil }
        return HTTPError(.badGateway, "\(label) (\(lease.origin)): FastCGI protocol error: \(error)")
    }

    private func interrupted(_ interruption: Interruption?) -> HTTPError? {
        switch interruption {
        case .timedOut: HTTPError(.gatewayTimeout, "\(label): no complete answer within the busy timeout")
        case .clientGone: HTTPError(HTTPResponseStatus(statusCode: 499, reasonPhrase: "Client Closed Request"), "\(label): client went away")
        case nil: nil
        }
    }

    /// A body that streams in from the client (or a spool file) is sent
    /// while the answer is read: an application may answer before it read
    /// everything, and a large body must not wait on a full socket.
    private func streamBody(
        _ head: ByteBuffer, host: FastCGIHostRequest, input: ScriptInput, pump: ExchangeFlags,
        relay: inout FastCGIResponseRelay, slot: inout ResponseWriter?
    ) async throws -> FastCGIResponseRelay.Outcome {
        let connection = lease.connection
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await sendBody(head, host: host, input: input)
                    pump.bodySent()
                } catch {
                    // The body failed (or the connection did): closing
                    // wakes the reader instead of leaving it to the timeout.
                    pump.bodyFailed(error)
                    connection.close()
                }
            }
            do {
                let outcome = try await relay.run(slot: &slot)
                // Records would still be in flight for an ended request: the
                // connection is not reused, and closing it frees a pump
                // blocked on a full socket.
                if !pump.isBodySent { connection.close() }
                return outcome
            } catch {
                connection.close()
                throw error
            }
        }
    }

    /// BEGIN_REQUEST and PARAMS, then the body as STDIN (§5.3), flushed in
    /// pieces so a large body streams with backpressure.
    private func sendBody(_ head: ByteBuffer, host: FastCGIHostRequest, input: ScriptInput) async throws {
        let outbound = lease.connection.outbound
        var buffer = head
        switch input {
        case .none:
            break
        case .memory(let body):
            host.writeStdin(body, into: &buffer)
        case .stream(let body, _):
            try await outbound.write(buffer)
            buffer = ByteBuffer()
            for try await chunk in body {
                var records = ByteBuffer()
                host.writeStdin(chunk, into: &records)
                try await outbound.write(records)
            }
        case .file(let fd, _):
            try await outbound.write(buffer)
            buffer = ByteBuffer()
            try await sendFile(fd, host: host)
        }
        host.writeEndOfStdin(into: &buffer)
        try await outbound.write(buffer)
    }

    private func sendFile(_ fd: Int32, host: FastCGIHostRequest) async throws {
        var chunk = ByteBuffer()
        while true {
            chunk.clear()
            let count = try chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: 65536) { bytes in
                let count = read(fd, bytes.baseAddress, bytes.count)
                guard count >= 0 else { throw HTTPError(.internalServerError, "reading the spooled body failed: errno \(errno)") }
                return count
            }
            guard count > 0 else { return }
            var records = ByteBuffer()
            host.writeStdin(chunk, into: &records)
            try await lease.connection.outbound.write(records)
        }
    }

    /// The busy timeout kills the worker (or closes a remote connection); a
    /// client that leaves gets FCGI_ABORT_REQUEST sent on its behalf (§5.4).
    private func startWatch(host: FastCGIHostRequest, interruption: ExchangeFlags) -> ExchangeWatch {
        let lease = self.lease, label = self.label, logger = self.logger, id = request.id
        let timer = lease.connection.channel.eventLoop.scheduleTask(in: TimeAmount(lease.busyTimeout)) {
            interruption.interrupt(.timedOut) {}
            logger.error("FastCGI request over its busy timeout; stopping", metadata: ["fastcgi": "\(label)", RequestID.metadataKey: "\(id)"])
            lease.timedOut()
        }
        let client = request.connection.onClientClose {
            interruption.interrupt(.clientGone) {
                // An aborted connection is not reused: the application may
                // still send records for the request it gave up.
                lease.connection.discard()
                var abort = ByteBuffer()
                host.writeAbort(into: &abort)
                lease.connection.channel.writeAndFlush(abort, promise: nil)
            }
        }
        return ExchangeWatch(timer: timer, client: client)
    }
}

extension ScriptInput {
    /// 64 KiB: below the default socket buffer.
    static let smallBody = 65536

    /// A body already in hand and small enough that writing it cannot block
    /// on an application that stopped reading.
    var fitsSocketBuffer: Bool {
        switch self {
        case .none: true
        case .memory(let buffer): buffer.readableBytes <= Self.smallBody
        case .stream, .file: false
        }
    }

    /// A small body read whole before the request goes out (nginx's
    /// `fastcgi_request_buffering`): sent in one write, and still in hand
    /// for a second try when the first worker never took the request.
    /// Larger bodies stream as they arrive.
    func inHandIfSmall() async throws -> ScriptInput {
        guard case .stream(let body, let length) = self, length <= Self.smallBody else { return self }
        var buffer = ByteBuffer()
        for try await chunk in body { buffer.writeImmutableBuffer(chunk) }
        return .memory(buffer)
    }
}

/// What happened to one exchange, as its watch and its body pump saw it.
final class ExchangeFlags: Sendable {
    private let state = Mutex<(interruption: FastCGIExchange.Interruption?, ended: Bool, bodySent: Bool, bodyError: HTTPError?)>((nil, false, false, nil))

    /// Records the first interruption and runs `action` with it, under the
    /// lock, unless the exchange already ended (its lease may already serve
    /// another request).
    func interrupt(_ interruption: FastCGIExchange.Interruption, _ action: () -> Void) {
        state.withLock { state in
            guard !state.ended, state.interruption == nil else { return }
            state.interruption = interruption
            action()
        }
    }

    /// The answer is in: nothing may touch the connection on this
    /// exchange's behalf any more.
    func end() { state.withLock { $0.ended = true } }

    var interruption: FastCGIExchange.Interruption? { state.withLock { $0.interruption } }
    func bodySent() { state.withLock { $0.bodySent = true } }
    var isBodySent: Bool { state.withLock { $0.bodySent } }
    /// The client's body failed (413, 408): that is the answer to give.
    func bodyFailed(_ error: any Error) { state.withLock { $0.bodyError = error as? HTTPError } }
    var bodyError: HTTPError? { state.withLock { $0.bodyError } }
}

/// The timer and client subscription of one exchange.
struct ExchangeWatch {
    let timer: Scheduled<Void>
    let client: ClientCloseSubscription

    func cancel() {
        timer.cancel()
        client.cancel()
    }
}
