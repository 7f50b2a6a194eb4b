import NIOCore
import Synchronization

/// Knows which connections are idle between requests, so a graceful
/// shutdown can close those at once and let busy ones finish their
/// in-flight request first.
final class ConnectionRegistry: Sendable {
    private struct State {
        var draining = false
        var idle: [ObjectIdentifier: Channel] = [:]
    }

    private let state = Mutex(State())

    /// Marks a connection idle; returns false when the server is draining
    /// and the connection should close instead of waiting for more.
    func markIdle(_ channel: Channel) -> Bool {
        state.withLock { state in
            guard !state.draining else { return false }
            state.idle[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func markBusy(_ channel: Channel) {
        _ = state.withLock { $0.idle.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var isDraining: Bool { state.withLock { $0.draining } }

    /// Starts draining: idle connections close now, busy ones after their
    /// current response.
    func drain() {
        let idle = state.withLock { state in
            state.draining = true
            defer { state.idle = [:] }
            return Array(state.idle.values)
        }
        for channel in idle { channel.close(promise: nil) }
    }
}
