import NIOCore
import NIOHTTP1
import Synchronization

/// An accepted socket with its request/response bridge (`ConnectionIO`),
/// as the accept loop receives it.
struct AcceptedConnection: Sendable {
    let channel: Channel
    let io: ConnectionIO
    /// The listener it arrived on.
    let listener: HTTPListener
    /// The TLS session, once the handshake is done; nil on a plain listener.
    let session: (@Sendable () -> TLSSession?)?
    /// The client a PROXY protocol header named, once it came; nil on a
    /// listener without `proxy_protocol`.
    var proxied: (@Sendable () -> (address: String, port: Int)?)? = nil
    /// The protocol, once ALPN or the first bytes tell it; nil on a
    /// listener that speaks HTTP/1.1 only (its handlers are in place).
    var negotiation: EventLoopFuture<NegotiatedProtocol>? = nil
}

/// Connections on their way from NIO to the accept loop.
///
/// NIO hands each accepted socket over through the listening channel's
/// stream. One that arrives after graceful shutdown closed that stream would
/// be served by nobody and closed by nobody, its client left waiting. So
/// each connection is held here from its creation until the loop takes it,
/// and those the loop never takes are closed instead.
final class AcceptedConnections: Sendable {
    private struct State {
        var open = true
        var pending: [ObjectIdentifier: Channel] = [:]
    }

    private let state = Mutex(State())

    /// Called as NIO creates a connection; after the accept loop ended, the
    /// connection is closed at once.
    func admit(_ channel: Channel) {
        let admitted = state.withLock { state in
            guard state.open else { return false }
            state.pending[ObjectIdentifier(channel)] = channel
            return true
        }
        if !admitted { channel.close(promise: nil) }
    }

    /// Called by the accept loop for each connection it serves.
    func take(_ connection: AcceptedConnection) {
        _ = state.withLock { $0.pending.removeValue(forKey: ObjectIdentifier(connection.channel)) }
    }

    /// Called when the accept loop has ended: closes the connections it
    /// never took.
    func closeAdmission() {
        let untaken = state.withLock { state in
            state.open = false
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        for channel in untaken { channel.close(promise: nil) }
    }
}
