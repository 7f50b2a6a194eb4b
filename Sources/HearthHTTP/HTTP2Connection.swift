import NIOCore
import NIOHTTP2

/// Serves one HTTP/2 connection: a task per stream as the client opens
/// them, all on the connection's event loop, until the connection closes.
/// Idle timeout and graceful shutdown are swift-nio-http2's connection
/// manager's (`HTTP2Pipeline`): no stream open for the idle timeout, or
/// the server draining, sends GOAWAY, lets open streams finish and closes.
struct HTTP2Connection {
    let connection: AcceptedConnection
    let context: HTTPServer.Context

    func run(_ streams: AsyncStream<HTTP2StreamIO>) async {
        let channel = connection.channel
        let drainable = HTTP2Drain(channel: channel)
        context.registry.register(drainable)
        // Draining began while this connection was negotiating.
        if context.registry.isDraining { drainable.drain() }
        await withDiscardingTaskGroup { group in
            for await stream in streams {
                group.addTask(executorPreference: EventLoopTaskExecutor(stream.channel.eventLoop)) {
                    await HTTP2StreamServing(stream: stream, connection: connection, context: context).run()
                }
            }
        }
        context.registry.unregister(drainable)
        channel.close(promise: nil)
    }
}

/// The graceful shutdown of an HTTP/2 connection: the connection manager
/// sends GOAWAY (twice, with a PING between, RFC 9113 §6.8) and closes once
/// the open streams are done, or at the shutdown timeout.
final class HTTP2Drain: RegisteredConnection {
    let channel: Channel

    init(channel: Channel) {
        self.channel = channel
    }

    func drain() {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}
