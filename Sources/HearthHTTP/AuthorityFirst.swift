import NIOCore
import NIOHTTP2

/// On an HTTP/2 stream, before NIO's HTTP/1 codec: `:authority` is the
/// request's authority (RFC 9113 §8.3.1), and a `Host` field beside it is
/// dropped, so the codec turns `:authority` into the `Host` every
/// responder reads (virtual hosts, SERVER_NAME, `redirect_to_https`).
/// Left alone, the codec keeps a client's `Host` over `:authority`, and
/// the two could name different sites.
final class AuthorityFirst: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .headers(var headers) = unwrapInboundIn(data), headers.headers.contains(name: ":authority"), headers.headers.contains(name: "host") else {
            return context.fireChannelRead(data)
        }
        headers.headers.remove(name: "host")
        context.fireChannelRead(wrapInboundOut(.headers(headers)))
    }
}
