import Logging
import NIOCore

/// The send timeout (Apache's `Timeout` for writes): a client that stops
/// reading a response holds its connection, and behind it a script, its
/// concurrency slot or a worker, for as long as it likes. While response
/// bytes wait in the channel, this checks every `timeout` whether any of
/// them reached the socket since the last check; if none did, the
/// connection is closed. The close fails the pending writes, so the
/// responder stops (a script is stopped and reaped, its slot released) and
/// a graceful shutdown is not held by that client.
///
/// One timer per stalled connection, armed only while bytes are pending:
/// a response the socket takes at once costs no timer.
/// Confined to the connection's event loop, as `ConnectionIO` is.
final class SendProgressWatch {
    struct Timeout: Sendable {
        var duration: TimeAmount
        var logger: Logger
    }

    private let timeout: Timeout
    /// Every byte handed to the channel, and how many of them had left it
    /// at the last check.
    private var queued = 0
    private var sentAtLastCheck = 0
    private var timer: Scheduled<Void>?

    init(timeout: Timeout) {
        self.timeout = timeout
    }

    /// Called after each flush of `size` bytes.
    func queued(_ size: Int, context: ChannelHandlerContext) {
        queued += size
        guard timer == nil else { return }
        let waiting = pending(context)
        guard waiting > 0 else { return }
        sentAtLastCheck = queued - waiting
        arm(context)
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout.duration) { [self] in
            check(context)
        }
    }

    private func check(_ context: ChannelHandlerContext) {
        timer = nil
        let waiting = pending(context)
        guard waiting > 0, context.channel.isActive else { return }
        let sent = queued - waiting
        if sent > sentAtLastCheck {
            sentAtLastCheck = sent
            return arm(context)
        }
        timeout.logger.notice("send timeout: the client read nothing of the response, closing the connection", metadata: [
            "remote": "\(context.channel.remoteAddress?.description ?? "-")", "pending_bytes": "\(waiting)",
            "send_timeout": "\(timeout.duration)",
        ])
        context.close(promise: nil)
    }

    /// Bytes written to the channel that the socket has not taken yet.
    private func pending(_ context: ChannelHandlerContext) -> Int {
        (try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
    }
}
