import HearthScripts
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
    /// Connections in use, with a first-come line for the rest: the same
    /// limiter as CGI scripts, with one "script", this server.
    private let slots: ScriptLimiter

    init(configuration: RemoteBackendConfiguration) {
        self.configuration = configuration
        self.slots = ScriptLimiter(maxTotal: configuration.maxConnections)
    }

    func lease() async throws -> BackendLease {
        guard await slots.acquire(name, perScriptLimit: configuration.maxConnections, timeout: configuration.queueTimeout) else {
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
            slots.release(name)
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
                slots.release(name)
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
