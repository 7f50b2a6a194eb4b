import CoreMetrics
import Foundation
import HearthHTTP
import Synchronization

/// The site server's observer (`HTTPServerObserver`): knows every open
/// connection and the request each serves, for the status page's
/// requests in flight and the open-connections gauge, and counts each
/// finished request to the mount that answered it.
///
/// What it costs: a lock on the table per connection (opened, closed), and
/// per request one store and one clear of the connection's own slot (a
/// lock nobody else takes but the status page), one histogram observation
/// and three atomic additions.
final class ConnectionTable: HTTPServerObserver, Sendable {
    private let connections = Mutex<[ObjectIdentifier: WatchedConnection]>([:])
    private let open: Meter
    /// Where a request no mount answered is counted.
    let unroutedMetrics: MountMetrics
    let totals = ServerTotals()

    init(factory: any MetricsFactory, unrouted: MountMetrics) {
        self.open = Meter(label: MetricNames.openConnections, dimensions: [], factory: factory)
        self.unroutedMetrics = unrouted
    }

    func connectionOpened(_ connection: ConnectionInfo) -> any HTTPConnectionObserver {
        let watched = WatchedConnection(table: self, client: ConnectionTable.client(connection))
        connections.withLock { $0[ObjectIdentifier(watched)] = watched }
        open.increment()
        return watched
    }

    fileprivate func closed(_ watched: WatchedConnection) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(watched)) }
        open.decrement()
    }

    fileprivate func finished(_ request: Request, status: Int, bodyBytes: Int, elapsed: Duration) {
        let mount = request.notes.observer as? MountMetrics ?? unroutedMetrics
        mount.requestFinished(method: request.head.method.rawValue, status: status, elapsed: elapsed)
        totals.add(bytes: bodyBytes, elapsed: elapsed)
    }

    /// The requests being served now, the longest-running first.
    func inFlight(now: ContinuousClock.Instant = .now) -> [InFlightRequest] {
        let watched = connections.withLock { Array($0.values) }
        return watched.compactMap { $0.current(now: now) }.sorted { $0.elapsedSeconds > $1.elapsedSeconds }
    }

    /// Open connections, and how many of them serve a request now.
    func counts() -> (open: Int, busy: Int) {
        let watched = connections.withLock { Array($0.values) }
        return (watched.count, watched.filter(\.isBusy).count)
    }

    /// `127.0.0.1:50412`, `[::1]:50412`.
    static func client(_ connection: ConnectionInfo) -> String {
        connection.remoteAddress.contains(":") ? "[\(connection.remoteAddress)]:\(connection.remotePort)" : "\(connection.remoteAddress):\(connection.remotePort)"
    }
}

/// One connection's request in flight, if any.
private final class WatchedConnection: HTTPConnectionObserver, Sendable {
    private let table: ConnectionTable
    private let client: String
    private let request = Mutex<(request: Request, since: ContinuousClock.Instant)?>(nil)

    init(table: ConnectionTable, client: String) {
        self.table = table
        self.client = client
    }

    func requestStarted(_ request: Request) {
        self.request.withLock { $0 = (request, .now) }
    }

    func requestFinished(_ request: Request, status: Int, bodyBytes: Int, elapsed: Duration) {
        self.request.withLock { $0 = nil }
        table.finished(request, status: status, bodyBytes: bodyBytes, elapsed: elapsed)
    }

    func connectionClosed() {
        table.closed(self)
    }

    var isBusy: Bool { request.withLock { $0 != nil } }

    func current(now: ContinuousClock.Instant) -> InFlightRequest? {
        guard let (request, since) = self.request.withLock({ $0 }) else { return nil }
        let notes = request.notes
        return InFlightRequest(
            method: request.head.method.rawValue, path: String(request.rawPath), client: client,
            elapsedSeconds: (now - since).seconds, mount: (notes.observer as? MountMetrics)?.mount,
            pid: (notes["pid"] ?? notes["worker"]).flatMap { Int32($0) }
        )
    }
}

/// A request being served, as the status page lists it: never its query.
struct InFlightRequest: Sendable, Codable, Equatable {
    var method: String
    var path: String
    var client: String
    var elapsedSeconds: Double
    /// The mount answering it, once chosen.
    var mount: String?
    /// The script's process, or the worker's, while one runs it.
    var pid: Int32?
}

/// The server's totals since start, for mod_status's `?auto` lines.
final class ServerTotals: Sendable {
    private let accesses = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    private let nanoseconds = Atomic<Int>(0)

    /// The last thing counted of a request: once `accesses` shows it
    /// (read with `acquiring`), so does every series it moved.
    func add(bytes sent: Int, elapsed: Duration) {
        bytes.add(sent, ordering: .relaxed)
        nanoseconds.add(Int(elapsed.nanoseconds), ordering: .relaxed)
        accesses.add(1, ordering: .releasing)
    }

    var requests: Int { accesses.load(ordering: .acquiring) }

    var snapshot: (accesses: Int, bytes: Int, total: Duration) {
        (accesses.load(ordering: .relaxed), bytes.load(ordering: .relaxed), .nanoseconds(nanoseconds.load(ordering: .relaxed)))
    }
}
