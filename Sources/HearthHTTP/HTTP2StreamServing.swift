import Logging
import NIOCore
import NIOHTTP1

/// Serves the one request of an HTTP/2 stream through the same machinery
/// an HTTP/1.1 connection uses (`HTTPConnection.serveRequest`: checks,
/// request id, trusted proxies, the responder, error mapping, access
/// log), with the stream's `ConnectionIO` as its bridge. No keep-alive
/// and no lingering: the stream ends with the response, and what the
/// client may still be sending is cut with RST_STREAM.
struct HTTP2StreamServing {
    let stream: HTTP2StreamIO
    let connection: AcceptedConnection
    let context: HTTPServer.Context

    func run() async {
        let requests = RequestStream(io: stream.io, channel: stream.channel, bodyReadTimeout: context.configuration.bodyReadTimeout)
        var info = ConnectionInfo(channel: stream.channel)
        info.secure(connection.session?())
        if let client = connection.proxied?() {
            info.remoteAddress = client.address
            info.remotePort = client.port
        }
        // Each stream in flight is one "connection" to the observer (the
        // status page's request slots): a watcher sees one request at a time.
        let watcher = context.observer?.connectionOpened(info)
        do {
            if var head = try await requests.nextHead() {
                let served = HTTPConnection(
                    connection: AcceptedConnection(channel: stream.channel, io: stream.io, listener: connection.listener, session: connection.session),
                    context: context
                )
                _ = await served.serveRequest(&head, keepAlive: false, stream: requests, outbound: stream.io, connection: info, watcher: watcher)
            }
        } catch {
            // swift-nio-http2 checked the header block; what is left (a
            // missing pseudo-header) resets this stream only.
            context.logger.debug("http2: stream ended before its request", metadata: ["remote": "\(info.remoteAddress)", "error": "\(error)"])
        }
        watcher?.connectionClosed()
        // After END_STREAM went out (the writer awaited it) this is a
        // no-op, or RST_STREAM for a client still sending.
        stream.channel.close(promise: nil)
    }
}
