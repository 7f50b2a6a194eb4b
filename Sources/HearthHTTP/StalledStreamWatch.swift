import Logging
import NIOCore

/// The send timeout of an HTTP/2 stream. `SendProgressWatch` asks the
/// socket how much of a response is still unsent; a stream has no socket
/// of its own, and its bytes wait for the client's flow-control window,
/// not the kernel. So here the measure is the writer: when a write has
/// waited for the stream to become writable for the whole send timeout
/// and no write completed meanwhile, the stream is closed (RST_STREAM),
/// which fails the write and stops the responder (a script is stopped and
/// reaped), as the HTTP/1.1 connection's close does.
/// Confined to the stream's event loop, as `ConnectionIO` is.
final class StalledStreamWatch {
    private let timeout: SendProgressWatch.Timeout
    private var timer: Scheduled<Void>?
    private var writesDone = 0

    init(timeout: SendProgressWatch.Timeout) {
        self.timeout = timeout
    }

    /// A write had to wait for writability.
    func waiting(_ context: ChannelHandlerContext, pending: @escaping () -> Bool) {
        guard timer == nil else { return }
        let mark = writesDone
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout.duration) { [self] in
            timer = nil
            guard pending(), context.channel.isActive else { return }
            guard writesDone == mark else { return waiting(context, pending: pending) }
            timeout.logger.notice("send timeout: the HTTP/2 client opened no window for the response, resetting the stream", metadata: [
                "remote": "\(context.channel.remoteAddress?.description ?? "-")", "send_timeout": "\(timeout.duration)",
            ])
            context.close(promise: nil)
        }
    }

    /// A waiting write went out.
    func progressed() {
        writesDone &+= 1
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }
}
