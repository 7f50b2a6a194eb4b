import CoreMetrics
import Foundation
import HearthHTTP
import NIOHTTP1
import Synchronization

/// The site server's observer (`HTTPServerObserver`): knows every open
/// connection and the request each serves, for the status page's
/// requests in flight and the open-connections gauge, and counts each
/// finished request to the mount that answered it.
///
/// What it costs: a lock on the table per connection (opened, closed), and
/// per request one store into the connection's own slot and one flag
/// cleared (a lock nobody else takes but the status page), and three
/// atomic additions to its mount's cell (`MountRequests`).
final class ConnectionTable: HTTPServerObserver, Sendable {
    private let connections = Mutex<[ObjectIdentifier: WatchedConnection]>([:])
    private let open: Meter
    /// Where a request no mount answered is counted.
    let unroutedMetrics: MountMetrics

    init(factory: any MetricsFactory, unrouted: MountMetrics) {
        self.open = Meter(label: MetricNames.openConnections, dimensions: [], factory: factory)
        self.unroutedMetrics = unrouted
    }

    func connectionOpened(_ connection: ConnectionInfo) -> any HTTPConnectionObserver {
        let watched = WatchedConnection(table: self)
        connections.withLock { $0[ObjectIdentifier(watched)] = watched }
        open.increment()
        return watched
    }

    fileprivate func closed(_ watched: WatchedConnection) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(watched)) }
        open.decrement()
    }

    /// Counted to the mount that answered (the observer the site left in
    /// the request's notes), else to `(none)`.
    fileprivate func finished(_ request: Request, status: Int, bodyBytes: Int, elapsed: Duration) {
        let mount = request.notes.observer ?? unroutedMetrics
        mount.requestFinished(request, status: status, bodyBytes: bodyBytes, elapsed: elapsed)
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

    /// `127.0.0.1:50412`, `[::1]:50412`; the address alone when the port
    /// is not known (a client a trusted proxy named without one).
    static func client(address: String, port: Int) -> String {
        port > 0 ? HTTPServer.authority(host: address, port: port) : address
    }
}

/// One connection's request in flight, if any.
private final class WatchedConnection: HTTPConnectionObserver, Sendable {
    /// What the status page shows of a request: its method and target, its
    /// client (the one a trusted proxy or the PROXY protocol named, not the
    /// proxy), its notes (its mount, its script's pid), since when. Written in place,
    /// field by field, and left in place when the request ends (only
    /// `busy` changes): the next request overwrites it. Profiling the hot
    /// row showed a whole `HTTPRequestHead` copied into an optional and
    /// cleared again costing as much as the mount's histogram.
    private struct Slot {
        var busy = false
        var method = HTTPMethod.GET
        var target = ""
        var address = ""
        var port = 0
        var notes: RequestNotes? = nil
        var since = ContinuousClock.Instant.now
    }

    private let table: ConnectionTable
    private let slot = Mutex(Slot())

    init(table: ConnectionTable) {
        self.table = table
    }

    func requestStarted(_ request: Request, received: ContinuousClock.Instant) {
        slot.withLock { slot in
            slot.busy = true
            slot.method = request.head.method
            slot.target = request.head.uri
            slot.address = request.connection.remoteAddress
            slot.port = request.connection.remotePort
            slot.notes = request.notes
            slot.since = received
        }
    }

    func requestFinished(_ request: Request, status: Int, bodyBytes: Int, elapsed: Duration) {
        slot.withLock { $0.busy = false }
        table.finished(request, status: status, bodyBytes: bodyBytes, elapsed: elapsed)
    }

    func connectionClosed() {
        table.closed(self)
    }

    var isBusy: Bool { slot.withLock { $0.busy } }

    func current(now: ContinuousClock.Instant) -> InFlightRequest? {
        let slot = self.slot.withLock { $0 }
        guard slot.busy, let notes = slot.notes else { return nil }
        let target = slot.target
        return InFlightRequest(
            method: slot.method.rawValue, path: String(target[..<(target.firstIndex(of: "?") ?? target.endIndex)]),
            client: ConnectionTable.client(address: slot.address, port: slot.port),
            elapsedSeconds: (now - slot.since).seconds, mount: (notes.observer as? MountMetrics)?.mount,
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
