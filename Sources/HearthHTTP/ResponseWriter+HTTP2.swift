import NIOCore
import NIOHTTP1

/// The body half of a response on an HTTP/2 stream: the same rules as on
/// HTTP/1.1 (a declared length caps the body, HEAD sends none), but the
/// parts go to the stream's codec, which frames them (HEADERS, DATA, and
/// END_STREAM at the end). There is no chunking and no `Connection`: a
/// body cut short resets the stream instead of closing a connection.
extension ResponseBodyWriter {
    private func takeHTTP2Head(_ pending: PendingHead<HTTPResponseHead>) -> [HTTPServerResponsePart] {
        guard let head = pending.take() else { return [] }
        exchange.responseStarted()
        return [.head(head)]
    }

    func writeHTTP2(_ buffer: ByteBuffer, head: PendingHead<HTTPResponseHead>) async throws {
        var parts = takeHTTP2Head(head)
        switch framing {
        case .none:
            break
        case .length(let length):
            let room = max(0, length - exchange.bodyBytesSent)
            let slice = buffer.readableBytes > room ? buffer.getSlice(at: buffer.readerIndex, length: room)! : buffer
            exchange.bodyBytesSent += slice.readableBytes
            if slice.readableBytes > 0 { parts.append(.body(.byteBuffer(slice))) }
        case .chunked, .untilClose:
            exchange.bodyBytesSent += buffer.readableBytes
            if buffer.readableBytes > 0 { parts.append(.body(.byteBuffer(buffer))) }
        }
        if !parts.isEmpty { try await exchange.outbound.write(parts) }
    }

    /// A file is read and sent as DATA frames a piece at a time: frames
    /// carry a header of their own, and on TLS there is no sendfile anyway.
    func writeHTTP2(fileRegion: FileRegion, head: PendingHead<HTTPResponseHead>) async throws {
        let parts = takeHTTP2Head(head)
        if !parts.isEmpty { try await exchange.outbound.write(parts) }
        guard case .length = framing else { return }
        exchange.bodyBytesSent += fileRegion.readableBytes
        // Copied into buffers as it goes: the caller may close the file
        // as soon as this returns.
        try await FileRegionCopy.send(fileRegion) { try await exchange.outbound.write([.body(.byteBuffer($0))]) }
    }

    /// Ends the stream, unless the body is shorter than its declared
    /// length: then the stream is reset when the exchange ends (a short body
    /// must not pass for the whole one, RFC 9113 §8.1.1).
    func finishHTTP2(head: PendingHead<HTTPResponseHead>) async throws {
        let parts = takeHTTP2Head(head)
        exchange.phase = .finished
        if !parts.isEmpty { try await exchange.outbound.write(parts) }
        if case .length(let length) = framing, exchange.bodyBytesSent < length {
            exchange.keepAlive = false
            return
        }
        // Awaited until the stream has passed END_STREAM on to the
        // connection (after what flow control held back), so that the
        // stream's end (`HTTP2StreamServing`) cannot overtake the body;
        // a client that never opens the window for that tail is reset
        // after the send timeout, as a stalled write is (`StalledStreamWatch`).
        let channel = exchange.channel
        let reset = channel.eventLoop.scheduleTask(in: exchange.sendTimeout) { channel.close(promise: nil) }
        defer { reset.cancel() }
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
    }
}
