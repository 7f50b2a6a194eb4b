import NIOCore
import NIOHTTP1
import Synchronization

/// Connections on their way from NIO to the accept loop.
///
/// NIO wraps each accepted socket in a `NIOAsyncChannel` and hands it over
/// through the listening channel's stream. One that arrives after graceful
/// shutdown closed that stream is dropped, and a `NIOAsyncChannel` dropped
/// with its writer unfinished traps the process (swift-nio #2813): SIGTERM
/// under load would crash the server and lose the requests in flight. So
/// each connection is held here from its creation until the loop takes it,
/// and those the loop never takes are closed properly instead.
final class AcceptedConnections: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, IOData>

    private struct State {
        var open = true
        var pending: [ObjectIdentifier: Connection] = [:]
    }

    private let state = Mutex(State())

    /// Called as NIO creates a connection; after the accept loop ended, the
    /// connection is closed at once.
    func admit(_ connection: Connection) {
        let admitted = state.withLock { state in
            guard state.open else { return false }
            state.pending[ObjectIdentifier(connection.channel)] = connection
            return true
        }
        if !admitted { Task { await Self.close(connection) } }
    }

    /// Called by the accept loop for each connection it serves.
    func take(_ connection: Connection) {
        _ = state.withLock { $0.pending.removeValue(forKey: ObjectIdentifier(connection.channel)) }
    }

    /// Called when the accept loop has ended: returns the connections it
    /// never took, for the caller to close.
    func closeAdmission() -> [Connection] {
        state.withLock { state in
            state.open = false
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
    }

    /// Finishes the connection's writer, so it may be dropped, and closes it.
    static func close(_ connection: Connection) async {
        try? await connection.executeThenClose { _, _ in }
    }
}
