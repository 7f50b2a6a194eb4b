import HearthCGI
import HearthHTTP
import HearthStatic
import HearthWeb
import Logging

/// A static mount with pages on: a URL that names a template (`PageRoute`)
/// is rendered by the page handler; every other URL, and a directory whose
/// static index file exists, goes to the static responder, which never
/// serves a template's source.
public struct PagesResponder: ExplainingResponder {
    let configuration: StaticFilesConfiguration
    let route: PageRoute
    let files: StaticFileResponder
    let pageResponder: HandlerResponder

    /// `handler` renders the pages: `PageHandler(pages)` unless wrapped in
    /// steps that run before each page (a session). Pages are mounted hot
    /// at the mount's URL: SCRIPT_NAME is the mount, PATH_INFO the rest.
    public init(configuration: StaticFilesConfiguration, pages: ServerPages, handler: (any HearthHandler)? = nil, server: CGIServer, logger: Logger) {
        self.configuration = configuration
        self.route = PageRoute(resolver: pages.cache.resolver)
        self.files = StaticFileResponder(configuration: configuration, logger: logger)
        self.pageResponder = HandlerResponder(
            handler: handler ?? PageHandler(pages), mountedAt: configuration.urlPath, server: server,
            maxBodyBytes: pages.formLimits.maxBodyBytes, logger: logger
        )
    }

    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        if isPage(request) {
            try await pageResponder.respond(to: request, writer: writer)
        } else {
            try await files.respond(to: request, writer: writer)
        }
    }

    /// A page is rendered in-process; anything else is the static
    /// responder's, told as it would answer.
    public func explain(_ request: Request) throws -> Explanation {
        guard isPage(request) else { return try files.explain(request) }
        return Explanation(handler: "server page (a template rendered in-process, hot)")
    }

    /// Decided on the path as the static responder reads it (decoded once,
    /// checked), so both agree on which file a URL means; a path it refuses
    /// is left to it, to answer with its status and log line.
    func isPage(_ request: Request) -> Bool {
        guard let path = try? StaticPath.parse(request, mount: files.mountPath) else { return false }
        if path.trailingSlash {
            return !hasStaticIndex(path.segments) && route.template(for: path.segments, directory: true) != nil
        }
        return !path.segments.isEmpty && route.template(for: path.segments, directory: false) != nil
    }

    /// `index.html` beside `index.mustache`: the static index wins, in the
    /// order of `index_files`.
    private func hasStaticIndex(_ segments: [String]) -> Bool {
        configuration.indexFiles.contains { name in
            guard let target = try? route.resolver.resolve(segments + [name]) else { return false }
            return !TemplateSource.isTemplate(target.resolved) && FileVersion.of(target.resolved)?.isRegularFile == true
        }
    }
}
