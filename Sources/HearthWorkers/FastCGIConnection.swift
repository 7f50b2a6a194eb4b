import HearthFastCGI
import NIOCore
import NIOPosix
import Synchronization

/// One transport connection to a FastCGI application, kept open across
/// requests when the application agrees (FCGI_KEEP_CONN, §5.1). It carries
/// one request at a time: whoever holds it (a worker lease) is its only
/// user, which is why it may be `@unchecked Sendable` — the inbound
/// iterator moves between request tasks but is never used by two at once.
final class FastCGIConnection: @unchecked Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var pending = ByteBuffer()
    private var decoder = FastCGIRecordDecoder()
    private let closing: CheckedContinuation<Void, Never>
    private let closed = Mutex(false)
    private let reusable = Atomic(true)
    /// False once a request on it ended unusually: it is closed, not reused.
    var isReusable: Bool { reusable.load(ordering: .relaxed) }

    private init(
        channel: any Channel, inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, closing: CheckedContinuation<Void, Never>
    ) {
        self.channel = channel
        self.inbound = inbound
        self.outbound = outbound
        self.closing = closing
    }

    /// Connects. The connection lives in a task of its own (the scope NIO's
    /// async channel requires) until `close()`.
    static func open(_ address: FastCGIAddress, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> FastCGIConnection {
        let bootstrap = ClientBootstrap(group: group).connectTimeout(.seconds(5))
        let asyncChannel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        switch address {
        case .unix(let path):
            asyncChannel = try await bootstrap.connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel(wrappingChannelSynchronously: channel) }
            }
        case .tcp(let host, let port):
            asyncChannel = try await bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1).connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel(wrappingChannelSynchronously: channel) }
            }
        }
        return await withCheckedContinuation { (opened: CheckedContinuation<FastCGIConnection, Never>) in
            Task {
                try? await asyncChannel.executeThenClose { inbound, outbound in
                    await withCheckedContinuation { (closing: CheckedContinuation<Void, Never>) in
                        opened.resume(returning: FastCGIConnection(
                            channel: asyncChannel.channel, inbound: inbound.makeAsyncIterator(), outbound: outbound, closing: closing))
                    }
                }
            }
        }
    }

    /// The next record, or nil when the application closed the connection —
    /// or reset it: a read error is the application's end, never to be
    /// mistaken for the client's (ECONNRESET here is not the client leaving).
    /// A malformed record still throws.
    func nextRecord() async throws -> FastCGIRecord? {
        while true {
            if let record = try decoder.decode(&pending) { return record }
            let read: ByteBuffer?
            do { read = try await inbound.next() } catch { return nil }
            guard let bytes = read else { return nil }
            if pending.readableBytes == 0 { pending = bytes } else { pending.writeImmutableBuffer(bytes) }
        }
    }

    /// The next record if it has already arrived whole; never waits.
    func bufferedRecord() throws -> FastCGIRecord? {
        try decoder.decode(&pending)
    }

    /// A connection dropped without `close()` still ends its task.
    deinit { close() }

    /// Marks the connection as not to be reused.
    func discard() { reusable.store(false, ordering: .relaxed) }

    /// Ends the connection's task, which closes the socket. Idempotent.
    func close() {
        discard()
        guard closed.withLock({ closed in defer { closed = true }; return !closed }) else { return }
        // At once, not when the connection's task next runs: a record
        // already in the socket must not be read after this.
        channel.close(promise: nil)
        closing.resume()
    }
}
