import HearthHTTP
import NIOCore
import NIOPosix
import Synchronization

/// An application server already running (php-fpm, a Go fcgi.Serve
/// program): connections are opened on demand up to a cap and kept open
/// between requests (FCGI_KEEP_CONN, FastCGI 1.0 §5.1), one request on each
/// at a time.
final class RemoteBackend: FastCGIBackend, Sendable {
    let configuration: RemoteBackendConfiguration
    var name: String { configuration.address.description }
    private let idle = Mutex<[FastCGIConnection]>([])
    private let slots: ConnectionSlots

    init(configuration: RemoteBackendConfiguration) {
        self.configuration = configuration
        self.slots = ConnectionSlots(limit: configuration.maxConnections)
    }

    func lease() async throws -> BackendLease {
        guard await slots.acquire(timeout: configuration.queueTimeout) else {
            throw HTTPError(.serviceUnavailable, "\(name): no free connection within the queue timeout", headers: [("Retry-After", "1")])
        }
        let connection: FastCGIConnection
        do {
            if let reused = reusedConnection() {
                connection = reused
            } else {
                connection = try await FastCGIConnection.open(configuration.address)
            }
        } catch {
            slots.release()
            throw HTTPError(.badGateway, "\(name): cannot connect: \(error)")
        }
        return BackendLease(
            connection: connection, busyTimeout: configuration.busyTimeout, origin: name,
            onRelease: { [self] connection, outcome in
                if outcome == .completed && connection.isReusable && connection.channel.isActive {
                    idle.withLock { $0.append(connection) }
                } else {
                    connection.close()
                }
                slots.release()
            },
            onTimeout: { connection.close() }
        )
    }

    /// An idle connection the server has not closed meanwhile.
    private func reusedConnection() -> FastCGIConnection? {
        while let connection = idle.withLock({ $0.popLast() }) {
            if connection.channel.isActive { return connection }
            connection.close()
        }
        return nil
    }

    /// Closes the idle connections.
    func shutdown() {
        for connection in idle.withLock({ idle in defer { idle = [] }; return idle }) { connection.close() }
    }
}

/// A counting semaphore with a line and a timeout.
final class ConnectionSlots: Sendable {
    private struct State {
        var used = 0
        var waiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID = 0
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    func acquire(timeout: Duration) async -> Bool {
        let ticket = state.withLock { state -> Int? in
            if state.used < limit && state.waiters.isEmpty {
                state.used += 1
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let ticket else { return true }
        guard timeout > .zero else {
            giveUp(ticket)
            return false
        }
        // An event-loop timer, not a sleeping task: with every worker busy,
        // each request waits, and a timer is far cheaper than a task.
        let expiry = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(timeout)) { [self] in giveUp(ticket) }
        defer { expiry.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let granted = state.withLock { state -> Bool in
                    if state.used < limit && state.waiters.isEmpty {
                        state.used += 1
                        return true
                    }
                    state.waiters.append((ticket, continuation))
                    return false
                }
                if granted { continuation.resume(returning: true) }
            }
        } onCancel: {
            giveUp(ticket)
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard !state.waiters.isEmpty else {
                state.used -= 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume(returning: true)
    }

    private func giveUp(_ ticket: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == ticket }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
        waiter?.resume(returning: false)
    }
}
