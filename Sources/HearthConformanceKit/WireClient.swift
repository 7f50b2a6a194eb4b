#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Synchronization

/// A raw TCP client: sends a case's exact bytes, reads the answer, and
/// gives up after a timeout. No HTTP library in between, so what is judged
/// is exactly what the server put on the wire.
public struct WireClient: Sendable {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case connect(String)
        case timedOut(received: Int)
        case malformed(String)

        public var description: String {
            switch self {
            case .connect(let reason): "cannot connect: \(reason)"
            case .timedOut(let received): "no complete response within the timeout (\(received) bytes received)"
            case .malformed(let reason): reason
            }
        }
    }

    let group: any EventLoopGroup

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = group
    }

    /// Whether the target accepts a connection at all; the reason in words
    /// when it does not (`connection refused`), so a run against a server
    /// that is down stops with one line instead of a failure per case.
    public func unreachable(_ target: ConformanceTarget) async -> String? {
        do {
            let channel = try await ClientBootstrap(group: group).connectTimeout(.seconds(5)).connect(host: target.host, port: target.port).get()
            try? await channel.close()
            return nil
        } catch {
            return Self.reason(error)
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first { return reason(first.error) }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        if let error = error as? ChannelError, error == .connectTimeout(.seconds(5)) { return "no answer within 5 s" }
        return "\(error)"
    }

    /// Sends `bytes` and reads one final response, or everything until the
    /// server closes when `untilClose` is set.
    public func exchange(_ bytes: [UInt8], target: ConformanceTarget, timeout: Duration, untilClose: Bool, isHead: Bool) async -> Result<WireResponse, Failure> {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(5))
                .connect(host: target.host, port: target.port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
        } catch {
            return .failure(.connect("\(error)"))
        }
        let timedOut = Atomic(false)
        let underlying = channel.channel
        let (seconds, attoseconds) = timeout.components
        let timer = underlying.eventLoop.scheduleTask(in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)) {
            timedOut.store(true, ordering: .relaxed)
            underlying.close(promise: nil)
        }
        defer { timer.cancel() }
        var received: [UInt8] = []
        do {
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: bytes))
                for try await chunk in inbound {
                    received += chunk.readableBytesView
                    if !untilClose, case .complete(let response) = WireResponseParser.parse(received, closed: false, isHead: isHead) {
                        return .success(response)
                    }
                }
                return finish(received, timedOut: timedOut.load(ordering: .relaxed), isHead: isHead)
            }
        } catch {
            // A reset after the server answered is still an answer.
            return finish(received, timedOut: timedOut.load(ordering: .relaxed), isHead: isHead)
        }
    }

    private func finish(_ received: [UInt8], timedOut: Bool, isHead: Bool) -> Result<WireResponse, Failure> {
        if timedOut { return .failure(.timedOut(received: received.count)) }
        switch WireResponseParser.parse(received, closed: true, isHead: isHead) {
        case .complete(let response): return .success(response)
        case .malformed(let reason): return .failure(.malformed(reason))
        case .incomplete: return .failure(.malformed("incomplete response"))
        }
    }
}
