import HearthHTTP
import HearthWorkers

/// The site's mount table: URL prefixes to responders, the longest prefix
/// winning. This is the single responder the server runs, and where local
/// redirects are re-dispatched.
public struct Site: Responder {
    public struct Mount: Sendable {
        /// `/cgi-bin`, `/` — no trailing slash except for the root.
        public var prefix: String
        public var responder: any Responder

        public init(prefix: String, responder: any Responder) {
            self.prefix = prefix == "/" ? "/" : String(prefix.reversed().drop { $0 == "/" }.reversed())
            self.responder = responder
        }

        func matches(_ path: Substring) -> Bool {
            prefix == "/" || path == prefix || path.hasPrefix(prefix + "/")
        }
    }

    public let mounts: [Mount]
    /// The site's FastCGI worker pools and remote servers.
    public let workers: WorkerPools?

    public init(mounts: [Mount], workers: WorkerPools? = nil) {
        self.mounts = mounts.sorted { $0.prefix.count > $1.prefix.count }
        self.workers = workers
    }

    /// Starts what must run before the first request: each worker pool's
    /// minimum (the preload). Throws if a pool's program cannot start.
    public func start() async throws {
        try await workers?.start()
    }

    /// SIGHUP: every pool starts a new generation and drains the old one.
    public func reload() {
        workers?.reload()
    }

    /// After the server stopped: stops every worker.
    public func shutdown() async {
        await workers?.shutdown()
    }

    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        let path = request.rawPath
        guard let mount = mounts.first(where: { $0.matches(path) }) else {
            throw HTTPError(.notFound, "no mount serves \(path)")
        }
        try await mount.responder.respond(to: request, writer: writer)
    }
}
