import Logging
import NIOCore
import NIOHTTP1

/// Serves one connection: requests in order (pipelined ones queue in the
/// decoder), keep-alive, limits, and the mapping of failures to statuses.
struct HTTPConnection {
    let connection: AcceptedConnection
    let context: HTTPServer.Context

    func run() async {
        if let negotiation = connection.negotiation {
            switch await Self.awaitProtocol(negotiation, channel: connection.channel, timeout: context.configuration.idleTimeout) {
            case .http1: break
            case .http2(let streams): return await HTTP2Connection(connection: connection, context: context).run(streams)
            case .closed: return
            }
        }
        let channel = connection.channel
        let stream = RequestStream(io: connection.io, channel: channel, bodyReadTimeout: context.configuration.bodyReadTimeout)
        let activity = ConnectionActivity(channel: channel, io: connection.io, idleTimeout: context.configuration.idleTimeout)
        context.registry.register(activity)
        activity.startIdleTimer()
        let info = ConnectionInfo(channel: channel)
        connection.io.whenPeerHalfCloses { [notifier = info.closeNotifier] in notifier?.clientLeft() }
        let watcher = context.observer?.connectionOpened(info)
        var unreadInput = false
        do {
            unreadInput = try await serveRequests(stream: stream, outbound: connection.io, connection: info, activity: activity, watcher: watcher)
        } catch {
            context.logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
        watcher?.connectionClosed()
        activity.stopIdleTimer()
        context.registry.unregister(activity)
        // Close only once what is queued has been written (or the peer is
        // gone): the tail of a `Connection: close` or HTTP/1.0 response must
        // reach a slow reader, since there the close ends the body (RFC 9112
        // §6.3 (8)).
        try? await channel.writeAndFlush(IOData.byteBuffer(ByteBuffer())).get()
        // A refused body may still be arriving: closing on it would reset
        // the connection under the response the client is to read.
        if unreadInput { await connection.io.lingerUntilInputEnds(limit: Self.lingerLimit) }
        connection.io.closeConnection()
        // Whatever the pipeline made of that, the socket goes.
        channel.close(promise: nil)
    }

    /// Waits for ALPN's answer or the first bytes; a connection that gives
    /// neither within the idle timeout is closed, as an idle one is.
    private static func awaitProtocol(_ negotiation: EventLoopFuture<NegotiatedProtocol>, channel: Channel, timeout: Duration) async -> NegotiatedProtocol {
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) { channel.close(promise: nil) }
        defer { timer.cancel() }
        return (try? await negotiation.get()) ?? .closed
    }

    /// How long a lingering close waits for the client to stop sending
    /// (Apache's MAX_SECS_TO_LINGER is 30; its common wait is 2 s).
    static let lingerLimit = TimeAmount.seconds(2)

    /// Serves requests until the connection is done, carrying out what
    /// `HTTP1ConnectionMachine` decides; returns whether to linger before
    /// closing (the client may still be sending what was not read).
    private func serveRequests(
        stream: RequestStream, outbound: ConnectionIO, connection plain: ConnectionInfo, activity: ConnectionActivity, watcher: (any HTTPConnectionObserver)?
    ) async throws -> Bool {
        var machine = HTTP1ConnectionMachine(maxRequests: context.configuration.maxRequestsPerConnection)
        var connection = plain
        while true {
            let next: HTTPRequestHead?
            do {
                next = try await nextHead(stream: stream, outbound: outbound, connection: connection, activity: activity)
            } catch is MalformedRequest {
                return machine.malformedHead() == .lingerThenClose
            }
            guard var head = next else { return machine.noNextHead() == .lingerThenClose }
            guard case .serve(let keepAlive) = machine.headReceived(clientKeepsAlive: head.isKeepAlive, draining: context.registry.isDraining) else { return false }
            if machine.isFirstRequest { learnFromTheHandshake(&connection) }
            let (request, exchange) = await serveRequest(
                &head, keepAlive: keepAlive, stream: stream, outbound: outbound, connection: connection, watcher: watcher
            )
            let unread = HTTP1ConnectionMachine.UnreadBody(request: request, stream: stream, refused: exchange.bodyRefused)
            switch machine.responseComplete(keptAlive: exchange.keepAlive, unread: unread) {
            case .readNextHead: continue
            case .lingerThenClose: return true
            case .close, .serve: return false
            }
        }
    }

    /// The handshake and the PROXY header are done before the first head
    /// can be read: the TLS session, and the client a PROXY header named.
    private func learnFromTheHandshake(_ connection: inout ConnectionInfo) {
        connection.secure(self.connection.session?())
        if let client = self.connection.proxied?() {
            connection.remoteAddress = client.address
            connection.remotePort = client.port
        }
    }

    /// Serves one request whose head was read, on this connection or on
    /// one HTTP/2 stream (`HTTP2StreamServing`): the same checks, id,
    /// client, responder, error mapping and access log either way.
    func serveRequest(
        _ head: inout HTTPRequestHead, keepAlive: Bool, stream: RequestStream, outbound: ConnectionIO, connection: ConnectionInfo,
        watcher: (any HTTPConnectionObserver)?
    ) async -> (Request, Exchange) {
        RequestTarget.normalize(&head)
        // Checked as the client sent it, before the id's field is set.
        let refusal = HeadValidation.check(head, configuration: context.configuration)
        let id = RequestID.assign(to: &head, client: connection.remoteAddress, trusted: context.configuration.trustedProxies)
        let exchange = Exchange(
            outbound: outbound, channel: self.connection.channel, requestHead: head, serverSoftware: context.configuration.serverSoftware, keepAlive: keepAlive,
            requestStream: stream, registry: context.registry, requestID: id
        )
        if let hsts = self.connection.listener.hsts { exchange.listenerFields = [hsts.field] }
        exchange.encrypted = connection.tls != nil
        exchange.sendTimeout = TimeAmount(context.configuration.sendTimeout)
        // A trusted proxy's word on the client and scheme, this request's.
        let client = ForwardedClient.resolve(connection, head: head, trusted: context.configuration.trustedProxies)
        let request = Request(head: head, body: RequestBody(.stream(stream)), connection: client, id: id)
        watcher?.requestStarted(request, received: exchange.received)
        // Every log record the responder makes in this task carries the
        // id (`RequestID.metadataProvider`).
        await RequestID.$current.withValue(id) {
            if let error = refusal {
                exchange.keepAlive = false
                await answer(request, exchange: exchange, with: error)
            } else if self.connection.listener.redirectToHTTPS {
                await redirect(request, exchange: exchange)
            } else {
                await serve(request, exchange: exchange)
            }
        }
        watcher?.requestFinished(request, status: Int(exchange.status?.code ?? 0), bodyBytes: exchange.bodyBytesSent, elapsed: .now - exchange.received)
        return (request, exchange)
    }

    /// A request that could not be read was answered; the connection ends.
    struct MalformedRequest: Error {}

    /// Waits for the next head within the idle timeout (the connection's
    /// idle timer closes it); answers a malformed one with 400 (or 431 when
    /// too large) and ends the connection.
    private func nextHead(stream: RequestStream, outbound: ConnectionIO, connection: ConnectionInfo, activity: ConnectionActivity) async throws -> HTTPRequestHead? {
        guard activity.markIdle(registry: context.registry) else { return nil }
        defer { activity.markBusy() }
        do {
            return try await stream.nextHead()
        } catch where ClientGone.explains(error) {
            // A reset between requests is a client leaving, not a malformed request.
            context.logger.debug("client reset the connection", metadata: ["remote": "\(connection.remoteAddress)", "error": "\(error)"])
            return nil
        } catch where !Self.isMalformedRequest(error) {
            // The transport ended the connection (a TLS alert, a TCP FIN
            // without TLS's close_notify): there is no request to answer.
            context.logger.info("connection ended by its transport", metadata: ["remote": "\(connection.remoteAddress)", "error": "\(error)"])
            return nil
        } catch {
            let status: HTTPResponseStatus = (error as? HTTPParserError) == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
            let id = RequestID.next()
            context.logger.notice("malformed request", metadata: [
                "remote": "\(connection.remoteAddress)", "error": "\(error)", "status": "\(status.code)", RequestID.metadataKey: "\(id)",
            ])
            let page = ErrorPage.body(for: status)
            let response = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(page.utf8.count)\r\n\(RequestID.field): \(id)\r\nConnection: close\r\n\r\n\(page)"
            try? await outbound.write(.byteBuffer(ByteBuffer(string: response)))
            // Apache logs these too; the request line could not be read, so "-".
            context.accessLog?.log(context.accessLogFormat.line(AccessLogEntry(
                connection: connection, request: nil, requestID: id, user: nil, status: Int(status.code), bodyBytes: page.utf8.count, elapsed: nil
            )))
            throw MalformedRequest()
        }
    }

    /// What the decoder or the framing limit refused: bytes that are not
    /// an HTTP/1.1 request, to be answered 400 (or 431).
    private static func isMalformedRequest(_ error: any Error) -> Bool {
        error is HTTPParserError || error is FramingByteLimit.Exceeded
    }

    /// `redirect_to_https`: 308 to the https URL, or 400 without a Host
    /// to send it to.
    private func redirect(_ request: Request, exchange: Exchange) async {
        let port = context.httpsPort.port ?? 443
        guard let location = HTTPSRedirect.location(for: request.head, httpsPort: port) else {
            return await answer(request, exchange: exchange, with: HTTPError(.badRequest, "redirect_to_https: the request has no usable Host"))
        }
        try? await ResponseWriter(exchange: exchange).writeError(HTTPError(.permanentRedirect, headers: [("Location", location)]))
        logAccess(request, exchange: exchange)
    }

    private func serve(_ request: Request, exchange: Exchange) async {
        do {
            try await context.responder.respond(to: request, writer: ResponseWriter(exchange: exchange))
            if exchange.phase == .streamingBody {
                context.logger.error("responder did not finish its body", metadata: ["request": "\(request.requestLine)", RequestID.metadataKey: "\(request.id)"])
                exchange.keepAlive = false
            }
        } catch let failure as any HTTPFailure {
            // The transport's refusals and the handler API's alike.
            await answer(request, exchange: exchange, with: HTTPError(failure))
            return
        } catch where ClientGone.explains(error) {
            // Not a server error: nobody is left to answer.
            exchange.keepAlive = false
            context.logger.notice("client closed the connection before the response was complete", metadata: [
                "request": "\(request.requestLine)", "remote": "\(request.connection.remoteAddress)", "error": "\(error)",
                RequestID.metadataKey: "\(request.id)",
            ])
        } catch {
            await answer(request, exchange: exchange, with: HTTPError(.internalServerError, "\(error)"))
            return
        }
        logAccess(request, exchange: exchange)
    }

    /// The single place where a failure becomes a response: before any byte
    /// went out, the error's status; after, the connection must close since
    /// the body is cut short.
    private func answer(_ request: Request, exchange: Exchange, with error: HTTPError) async {
        let level: Logger.Level = error.status.code >= 500 ? .error : .notice
        context.logger.log(level: level, "\(error.message.isEmpty ? error.status.reasonPhrase : error.message)", metadata: [
            "request": "\(request.requestLine)", "remote": "\(request.connection.remoteAddress)", "status": "\(error.status.code)",
            RequestID.metadataKey: "\(request.id)",
        ])
        if exchange.onWire {
            exchange.keepAlive = false
        } else {
            exchange.phase = .awaitingHead
            // After refusing a body (413, 411, 400, 431) the connection closes:
            // what follows on it is that body, not a next request.
            if request.hasBody && error.status.refusesTheBody {
                exchange.keepAlive = false
                exchange.bodyRefused = true
            }
            try? await ResponseWriter(exchange: exchange).writeError(error)
        }
        logAccess(request, exchange: exchange)
    }

    private func logAccess(_ request: Request, exchange: Exchange) {
        guard let sink = context.accessLog else { return }
        sink.log(context.accessLogFormat.line(AccessLogEntry(
            connection: request.connection, request: request, requestID: request.id, user: exchange.user, status: Int(exchange.status?.code ?? 0),
            bodyBytes: exchange.bodyBytesSent, elapsed: .now - exchange.received
        )))
    }
}

extension HTTP1ConnectionMachine.UnreadBody {
    /// What the responder left of `request`'s body, as the stream counted it.
    init(request: Request, stream: RequestStream, refused: Bool) {
        if refused && request.hasBody {
            self = .refused
        } else if !request.hasBody || stream.bodyState != .reading {
            self = .none
        } else if stream.canDrainBody, !request.isChunked, let length = request.contentLength {
            self = .skippable(bytes: length - stream.bodyBytesRead)
        } else {
            self = .unbounded
        }
    }
}
