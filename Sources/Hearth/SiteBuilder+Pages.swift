import HearthCGI
import HearthPages
import HearthSessions
import HearthStatic
import HearthWeb
import Logging

extension SiteBuilder {
    /// Adds values to the scope of every page of the site: those of each
    /// static mount with `pages` on, and those handlers render through
    /// `pages(root:)`. Providers added later still apply to pages handed
    /// out earlier.
    public mutating func addPageScope(_ provider: some PageScopeProvider) {
        pageSetup.scopes.append(provider)
        for pages in pageSetup.shared.values { pages.addScope(provider) }
    }

    /// Adds values to the scope of every page of the site.
    public mutating func addPageScope(_ body: @escaping @Sendable (HearthRequest) async throws -> [String: any Sendable]) {
        addPageScope(PageScopeFunction(body))
    }

    /// Wraps the handler of every pages mount in a step that runs before
    /// each page, such as `PhasedHandler(handler).fixup { … }` attaching a
    /// value to `request.locals` for a scope provider to read. Steps added
    /// later wrap those added earlier (they run first).
    public mutating func wrapPages(_ step: @escaping @Sendable (any HearthHandler) -> any HearthHandler) {
        pageSetup.steps.append(step)
    }

    /// The templates under `root`, for handlers to render
    /// (`pages.response("guestbook.mustache", for: request)`): the same
    /// value, and so the same cache, as the static mount of that root with
    /// `pages` on, with the site's page scope.
    public mutating func pages(root: String) throws -> ServerPages {
        let resolved = try resolveDirectory(root, key: "pages(root:)")
        if let pages = pageSetup.shared[resolved] { return pages }
        let pages = pageSetup.make(root: resolved, forbiddenRoots: scriptDirectories())
        pageSetup.shared[resolved] = pages
        return pages
    }

    /// The script directories of every host, whose files are never pages
    /// either; one that does not exist is reported by `build`, not here.
    private func scriptDirectories() -> [String] {
        mountSets.flatMap(scriptDirectories(of:))
    }
}

/// What the site builder keeps for server pages.
struct PageSetup {
    var scopes: [any PageScopeProvider] = []
    var steps: [@Sendable (any HearthHandler) -> any HearthHandler] = []
    /// By resolved root.
    var shared: [String: ServerPages] = [:]

    func make(root: String, forbiddenRoots: [String]) -> ServerPages {
        let pages = ServerPages(root: root, forbiddenRoots: forbiddenRoots)
        // First, so a provider of the site's own can replace `session`.
        pages.addScope(SessionPageScope())
        for provider in scopes { pages.addScope(provider) }
        return pages
    }

    /// A static mount with `pages` on (its root resolved, its forbidden
    /// roots set): the shared `ServerPages` of its root, or a new one.
    /// With `sessions` (the site's, when configured), every page runs in
    /// its `SessionHandler`, outermost so the steps see the session too.
    func responder(for files: StaticFilesConfiguration, server: CGIServer, sessions: Sessions?, logger: Logger) -> PagesResponder {
        // A page under a path the mount denies is refused as its files are.
        let pages = shared[files.root] ?? make(root: files.root, forbiddenRoots: files.forbiddenRoots + FileResolver(configuration: files).denied)
        var handler = steps.reduce(PageHandler(pages) as any HearthHandler) { handler, step in step(handler) }
        if let sessions { handler = SessionHandler(handler, sessions: sessions) }
        return PagesResponder(configuration: files, pages: pages, handler: handler, server: server, logger: logger)
    }
}
