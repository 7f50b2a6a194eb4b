#if canImport(Glibc)
import Glibc
#endif
import HearthCGI
import HearthFastCGI
import HearthGateway
import HearthHTTP
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
    let maxHeaderBytes: Int
    let redirector: LocalRedirector
    let logger: Logger

    /// Why the exchange ended early, as the watch saw it.
    enum Interruption: Sendable { case timedOut, clientGone }

    func run(params: [(String, String)], input: ScriptInput, writer: consuming ResponseWriter) async throws {
        let host = FastCGIHostRequest(keepConnection: true)
        let interruption = ExchangeFlags()
        let watch = startWatch(host: host, interruption: interruption)
        defer { watch.cancel() }
        var slot: ResponseWriter? = consume writer
        var relay = FastCGIResponseRelay(
            connection: lease.connection, host: host, label: label, request: request,
            maxHeaderBytes: maxHeaderBytes, logger: logger
        )
        let pump = interruption
        let connection = lease.connection
        let outcome: FastCGIResponseRelay.Outcome
        do {
            var records = ByteBuffer()
            try host.writeHead(params: params, into: &records)
            let head = records
            outcome = try await withThrowingTaskGroup(of: Void.self) { group in
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
                    // Records still in flight for an ended request: the
                    // connection is not clean enough to reuse, and closing
                    // it frees a pump blocked on a full socket.
                    if !pump.isBodySent { connection.close() }
                    return outcome
                } catch {
                    connection.close()
                    throw error
                }
            }
        } catch {
            lease.release(.broken)
            throw interrupted(interruption.interruption) ?? pump.bodyError ?? error
        }
        switch outcome {
        case .responded:
            lease.release(.completed)
        case .failed(let error, let completed):
            lease.release(completed ? .completed : .broken)
            throw interrupted(interruption.interruption) ?? pump.bodyError ?? error
        case .localRedirect(let target):
            lease.release(.completed)
            logger.debug("local redirect", metadata: ["fastcgi": "\(label)", "location": "\(target)"])
            try await redirector.dispatch(request.redirected(to: target), writer: slot.take()!)
        }
    }

    private func interrupted(_ interruption: Interruption?) -> HTTPError? {
        switch interruption {
        case .timedOut: HTTPError(.gatewayTimeout, "\(label): no complete answer within the busy timeout")
        case .clientGone: HTTPError(HTTPResponseStatus(statusCode: 499, reasonPhrase: "Client Closed Request"), "\(label): client went away")
        case nil: nil
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
        let lease = self.lease, label = self.label, logger = self.logger
        let timer = lease.connection.channel.eventLoop.scheduleTask(in: TimeAmount(lease.busyTimeout)) {
            interruption.interrupt(.timedOut)
            logger.error("FastCGI request over its busy timeout; stopping", metadata: ["fastcgi": "\(label)"])
            lease.timedOut()
        }
        let client = request.connection.onClientClose {
            interruption.interrupt(.clientGone)
            var abort = ByteBuffer()
            host.writeAbort(into: &abort)
            lease.connection.channel.writeAndFlush(abort, promise: nil)
        }
        return ExchangeWatch(timer: timer, client: client)
    }
}

/// What happened to one exchange, as its watch and its body pump saw it.
final class ExchangeFlags: Sendable {
    private let state = Mutex<(interruption: FastCGIExchange.Interruption?, bodySent: Bool, bodyError: HTTPError?)>((nil, false, nil))

    /// The first interruption is kept.
    func interrupt(_ interruption: FastCGIExchange.Interruption) {
        state.withLock { $0.interruption = $0.interruption ?? interruption }
    }

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
