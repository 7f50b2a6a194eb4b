import NIOCore

/// A listening socket and the listener it serves.
struct ServedListener: Sendable {
    let listener: HTTPListener
    let channel: NIOAsyncChannel<AcceptedConnection, Never>
}

/// A reload's new `listen:` that the running server cannot take: it waits
/// for a restart, and the reload changes nothing.
public struct RebindRefusal: Error, CustomStringConvertible {
    public var description: String
}

extension HTTPServer {
    /// Serves `listeners` from now on (a reload): a listener already served
    /// keeps its socket, and the connections on it are untouched; a new
    /// one is bound (as the user the server runs as: a port below 1024
    /// then fails), a TLS one with the `security` the reload loaded its
    /// certificates into; one no longer listed stops accepting, its
    /// connections finishing as they would. All or nothing: a bind that
    /// fails closes what this call bound and throws, and the server goes
    /// on as it was. Returns the addresses added and removed, as URLs.
    ///
    /// Refused: sockets systemd passed (change `hearth.socket`), a new TLS
    /// listener without its security, a listener whose address stays but
    /// whose options change.
    public func rebind(
        to listeners: [HTTPListener], security: (HTTPListener) -> (any ListenerSecurity)? = { _ in nil }
    ) async throws -> (added: [String], removed: [String]) {
        guard context.configuration.inheritedSockets.isEmpty else {
            throw RebindRefusal(description: "the listening sockets are systemd's (hearth.socket); change them there")
        }
        guard isAccepting else { throw RebindRefusal(description: "the server is stopping") }
        let current = serving.withLock { $0 }
        try Self.checkRebind(from: current.map(\.listener), to: listeners, secured: { security($0) != nil })
        var next: [ServedListener] = []
        var fresh: [ServedListener] = []
        for listener in listeners {
            if let same = current.first(where: { $0.listener == listener }) {
                next.append(same)
                continue
            }
            do {
                let served = ServedListener(listener: listener, channel: try await bind(listener, security: security(listener), to: nil))
                fresh.append(served)
                next.append(served)
            } catch {
                for served in fresh { served.channel.channel.close(promise: nil) }
                throw ListenError(host: listener.host, port: listener.port, underlying: error)
            }
        }
        let removed = current.filter { old in !next.contains { $0.channel.channel === old.channel.channel } }
        serving.withLock { $0 = next }
        for served in fresh { rebound.continuation.yield(served.channel) }
        for served in removed { served.channel.channel.close(promise: nil) }
        return (fresh.map(Self.url), removed.map(Self.url))
    }

    /// What `rebind` refuses before binding anything.
    static func checkRebind(from current: [HTTPListener], to listeners: [HTTPListener], secured: (HTTPListener) -> Bool = { _ in false }) throws {
        for listener in listeners where !current.contains(listener) {
            if current.contains(where: { $0.host == listener.host && $0.port == listener.port }) {
                throw RebindRefusal(description: "\(authority(host: listener.host, port: listener.port)) is served with other options; a restart applies them")
            }
            if listener.tls && !secured(listener) {
                throw RebindRefusal(description: "a new TLS listener (\(authority(host: listener.host, port: listener.port))) has no certificates loaded")
            }
        }
    }

    static func url(_ served: ServedListener) -> String {
        let port = served.channel.channel.localAddress?.port ?? served.listener.port
        return "\(served.listener.tls ? "https" : "http")://\(authority(host: served.listener.host, port: port))/"
    }
}
