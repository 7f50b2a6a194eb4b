import HearthHTTP
import Synchronization

/// Where local redirects (RFC 3875 §6.2.2) are re-dispatched: the site's
/// whole mount table, so a script can only redirect to what a client could
/// reach itself (SECURITY.md, CVE-2024-38476). Set once the site exists.
public final class LocalRedirector: Sendable {
    /// Redirects followed for one client request before giving up with 500.
    /// lighttpd uses 5 too.
    public let maxDepth: Int
    private let site = Mutex<(any Responder)?>(nil)

    public init(maxDepth: Int = 5) { self.maxDepth = maxDepth }

    public func route(to responder: any Responder) { site.withLock { $0 = responder } }

    package func dispatch(_ request: Request, writer: consuming ResponseWriter) async throws {
        guard request.redirectDepth <= maxDepth else {
            throw HTTPError(.internalServerError, "more than \(maxDepth) local redirects, last to \(request.head.uri)")
        }
        guard let site = site.withLock({ $0 }) else {
            throw HTTPError(.internalServerError, "local redirect to \(request.head.uri) with no site to dispatch to")
        }
        try await site.respond(to: request, writer: writer)
    }
}
