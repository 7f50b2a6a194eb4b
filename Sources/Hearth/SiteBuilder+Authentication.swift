import HearthAuth
import HearthHTTP
import Logging
import Synchronization

/// Wraps each mount that has an `auth:` in `BasicAuthentication`, checking
/// its files at start-up, and refuses settings for a URL no mount serves.
final class AuthenticationGuards: Sendable {
    private let byPrefix: [String: BasicAuthConfiguration]
    private let logger: Logger
    private let used = Mutex<Set<String>>([])

    init(_ authentication: [String: BasicAuthConfiguration], logger: Logger) {
        // Keys normalized as mount prefixes are (no trailing slash).
        var byPrefix: [String: BasicAuthConfiguration] = [:]
        for (url, auth) in authentication { byPrefix[Site.Mount(prefix: url, responder: Nothing()).prefix] = auth }
        self.byPrefix = byPrefix
        self.logger = logger
    }

    /// `key` names the mount in errors: `cgi[0]`, `mount /admin`.
    func protect(_ mount: Site.Mount, key: String) throws -> Site.Mount {
        guard let auth = byPrefix[mount.prefix] else { return mount }
        used.withLock { _ = $0.insert(mount.prefix) }
        do {
            return Site.Mount(
                prefix: mount.prefix, responder: try auth.protect(mount.responder, logger: logger), summary: mount.summary + ", behind Basic authentication"
            )
        } catch {
            throw ConfigurationError(key: "\(key).auth.\(error.key)", message: error.message, position: nil)
        }
    }

    func checkAllUsed() throws {
        let unused = Set(byPrefix.keys).subtracting(used.withLock { $0 })
        if let url = unused.sorted().first {
            throw ConfigurationError(key: "authentication", message: "no mount at \(url) to protect", position: nil)
        }
    }

    private struct Nothing: Responder {
        func respond(to request: Request, writer: consuming ResponseWriter) async throws {}
    }
}
