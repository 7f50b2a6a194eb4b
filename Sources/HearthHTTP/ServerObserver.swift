/// Watches the server's connections and requests for whoever counts them
/// (the admin listener's metrics and status page, issue 24). The server
/// holds none unless given one, and then costs a call per connection and
/// two per request: what is counted, and how, is the observer's business.
public protocol HTTPServerObserver: Sendable {
    /// A connection was accepted; what it returns watches its requests
    /// until `connectionClosed`, one request at a time.
    func connectionOpened(_ connection: ConnectionInfo) -> any HTTPConnectionObserver
}

/// One connection's watcher: told of each request as its head is read and
/// again once its response is done (or given up), in that order, by the
/// connection's own task.
public protocol HTTPConnectionObserver: AnyObject, Sendable {
    /// `received`: when its head was read.
    func requestStarted(_ request: Request, received: ContinuousClock.Instant)
    /// `status` is what went out (0 if nothing did); `bodyBytes` the body
    /// bytes written; `elapsed` counts from the head's arrival, as the
    /// access log's `%D` does.
    func requestFinished(_ request: Request, status: Int, bodyBytes: Int, elapsed: Duration)
    func connectionClosed()
}

/// Whoever answers a request may leave one of these in its notes
/// (`RequestNotes.observer`): the site leaves its mount's, so that what
/// only a lower layer sees (a script's run, a rule its output broke, the
/// bytes of a file sent) is told to it, each layer through a protocol of
/// its own that the observer adopts (`ScriptRunObserver`,
/// `ScriptOutputObserver`, `StaticFileObserver`). Nothing below the site
/// knows what the observer is.
public protocol RequestObserver: AnyObject, Sendable {
    /// The request ended (the connection's observer tells it): `status`
    /// as `HTTPConnectionObserver.requestFinished` has it.
    func requestFinished(_ request: Request, status: Int, bodyBytes: Int, elapsed: Duration)
}
