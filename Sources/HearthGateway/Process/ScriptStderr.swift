import HearthRelay
import NIOCore

/// A script's stderr, logged a line at a time as it arrives, on the pipe's
/// event loop: no task waits on it. Installed by `ScriptStderrPipe` once a
/// script keeps writing there. RFC 3875 leaves stderr to the server;
/// like Apache's ScriptLog and lighttpd, Hearth sends it to the error log,
/// tagged with the script.
final class ScriptStderr: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var lines: LineSplitter
    private let log: @Sendable (String) -> Void

    /// `lines` holds a line begun before the pipe was watched, if any.
    init(log: @escaping @Sendable (String) -> Void, lines: LineSplitter = LineSplitter()) {
        self.log = log
        self.lines = lines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        for line in lines.append(unwrapInboundIn(data).readableBytesView) { log(line) }
    }

    /// The last line, if the script ended without a newline.
    func channelInactive(context: ChannelHandlerContext) {
        if let rest = lines.rest() { log(rest) }
        context.fireChannelInactive()
    }

    /// A read error ends the pipe; the script's exit status still tells.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
