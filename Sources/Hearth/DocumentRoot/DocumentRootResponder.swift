import HearthCGI
import HearthGateway
import HearthHTTP
import HearthRelay
import HearthWorkers

/// A `static` item with `scripts:`: a document root whose scripts run and
/// whose other files are sent (Apache's `DocumentRoot` with `AddHandler`,
/// nginx's `location ~ \.php$` beside `try_files`). `DocumentRootRoute`
/// decides per request; the answer comes from the machinery every mount
/// uses: the static responder for files, the CGI gateway for cold scripts
/// (`cgi`, an interpreter), a FastCGI responder for a pool's. The bytes of
/// a mapped file are refused by the static responder itself
/// (`SourceFiles`), so even a route that erred could not show them.
struct DocumentRootResponder: ExplainingResponder {
    /// How one mapped extension runs.
    enum Runner: Sendable {
        case cold(CGIGateway)
        case warm(FastCGIResponder)
    }

    let route: DocumentRootRoute
    /// The static responder (or pages, which hands files on to it).
    let files: any ExplainingResponder
    /// By lowercased extension, one for each of the route's `scripts`.
    let runners: [String: Runner]
    /// The mount's `sendfile_roots`, for its pools' answers (a cold
    /// script's come through the gateway's mount).
    let sendfile: (any ScriptFileSender)?

    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        switch try route.decide(request) {
        case .files:
            try await files.respond(to: request, writer: writer)
        case .script(let script, let name):
            switch try runner(name) {
            case .cold(let gateway): try await gateway.respond(to: request, script: script, writer: writer)
            case .warm(let pool): try await pool.respond(to: request, script: script, sendfile: sendfile, writer: writer)
            }
        }
    }

    func explain(_ request: Request) throws -> Explanation {
        switch try route.decide(request) {
        case .files:
            return try files.explain(request)
        case .script(let script, let name):
            switch try runner(name) {
            case .cold(let gateway): return gateway.explain(request, script: script)
            case .warm(let pool): return pool.explain(request, script: script)
            }
        }
    }

    private func runner(_ name: String) throws(HTTPError) -> Runner {
        // The site builder makes one per mapped extension.
        guard let runner = runners[name] else { throw HTTPError(.internalServerError, "no runner for .\(name) files") }
        return runner
    }
}
