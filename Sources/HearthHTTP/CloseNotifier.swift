import NIOCore
import Synchronization

/// Tells subscribers when a connection closes, or when its client is taken
/// to have left (`clientLeft()`). One callback is registered
/// on the channel for its whole life; each request subscribes and
/// unsubscribes, so a long keep-alive connection does not gather a callback
/// per request it served.
final class CloseNotifier: Sendable {
    private struct State {
        var closed = false
        var nextID = 0
        var handlers: [Int: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    init(closeFuture: EventLoopFuture<Void>) {
        closeFuture.whenComplete { [self] _ in fire() }
    }

    /// The client sent its FIN while the connection is still open. It may
    /// only have half-closed and still be reading, but a server cannot tell
    /// that from a client that hung up until it writes, so the work done
    /// for it stops now rather than at its timeout (SECURITY.md: a client
    /// that disconnects stops its script), as nginx aborts a proxied
    /// request. An answer already in hand still goes out.
    func clientLeft() { fire() }

    /// Registers `handler`; it runs at once if the connection is already
    /// closed. Returns the id to unsubscribe with.
    func subscribe(_ handler: @escaping @Sendable () -> Void) -> Int? {
        let id = state.withLock { state -> Int? in
            guard !state.closed else { return nil }
            state.nextID += 1
            state.handlers[state.nextID] = handler
            return state.nextID
        }
        if id == nil { handler() }
        return id
    }

    func unsubscribe(_ id: Int) {
        _ = state.withLock { $0.handlers.removeValue(forKey: id) }
    }

    private func fire() {
        let handlers = state.withLock { state in
            state.closed = true
            defer { state.handlers = [:] }
            return Array(state.handlers.values)
        }
        for handler in handlers { handler() }
    }
}

/// A subscription to a client's connection closing; `cancel()` ends it.
public struct ClientCloseSubscription: Sendable {
    let notifier: CloseNotifier?
    let id: Int?

    public func cancel() {
        if let notifier, let id { notifier.unsubscribe(id) }
    }
}
