import HTTPTypes
import HearthStatic
import HearthWeb
import NIOCore
import Synchronization

/// The server pages of one document root: Mustache templates
/// (`*.mustache`) rendered with the request in scope, compiled once and
/// again when their file changes. One value serves the root's URLs
/// (`PageHandler`, `PagesResponder`) and the handlers that render the same
/// templates (`response(_:for:)`, `render(_:scope:)`), with one cache.
///
/// docs/pages.md is the user's guide: URL rule, scope, partials, errors.
public final class ServerPages: Sendable {
    /// The document root, as given.
    public let root: String
    /// Limits for reading a page's form.
    public let formLimits: FormLimits
    let cache: TemplateCache
    private let providers = Mutex<[any PageScopeProvider]>([])

    /// `forbiddenRoots` are directories whose files are never pages even
    /// under `root` (script directories, as for static files).
    public init(root: String, forbiddenRoots: [String] = [], formLimits: FormLimits = FormLimits()) {
        self.root = root
        self.formLimits = formLimits
        self.cache = TemplateCache(resolver: FileResolver(root: root, forbiddenRoots: forbiddenRoots))
    }

    /// Adds values to the scope of every page rendered from now on.
    public func addScope(_ provider: some PageScopeProvider) {
        providers.withLock { $0.append(provider) }
    }

    /// Adds values to the scope of every page rendered from now on.
    public func addScope(_ body: @escaping @Sendable (HearthRequest) async throws -> [String: any Sendable]) {
        addScope(PageScopeFunction(body))
    }

    /// The scope a page rendered for `request` sees: `request`, `form`,
    /// `cookies`, then every provider's values. The form is read from the
    /// body unless given (a handler that read it already passes it).
    public func scope(for request: HearthRequest, form: HearthForm? = nil) async throws -> [String: any Sendable] {
        let read: HearthForm
        if let form { read = form } else { read = try await request.form(limits: formLimits) }
        var scope = StandardScope.values(for: request, form: read)
        for provider in providers.withLock({ $0 }) {
            scope.merge(try await provider.scope(for: request)) { $1 }
        }
        return scope
    }

    /// The template `name` (a path below the root, such as
    /// `"guestbook.mustache"`) rendered with exactly `scope`. A missing
    /// template is a 404 (`HearthError`); one that does not parse, or
    /// whose partials are missing or recursive, is a `PageError`: a 500
    /// whose file and line go to the log.
    public func render(_ name: String, scope: [String: any Sendable]) throws -> String {
        let (page, partials) = try cache.template(at: try template(named: name))
        return page.template.render(scope, library: partials.library)
    }

    /// The template `name` as a response, as at its URL: the standard scope
    /// and the providers' values, then `scope` over them; Content-Type and
    /// Cache-Control as docs/pages.md says.
    public func response(
        _ name: String, for request: HearthRequest, form: HearthForm? = nil,
        scope extra: [String: any Sendable] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> HearthResponse {
        try await response(file: template(named: name), for: request, form: form, scope: extra, status: status)
    }

    /// The page at `file` (resolved): compiled and checked before the scope
    /// is built, so a broken template costs no form read and no provider
    /// call (no session is locked for a page that cannot render).
    func response(
        file: String, for request: HearthRequest, form: HearthForm? = nil,
        scope extra: [String: any Sendable] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> HearthResponse {
        let (page, partials) = try cache.template(at: file)
        var scope = try await self.scope(for: request, form: form)
        scope.merge(extra) { $1 }
        let body = page.template.render(scope, library: partials.library)
        let fields: HTTPFields = [
            .contentType: PageRoute.contentType(of: file),
            .cacheControl: page.directives.cacheControl ?? PageRoute.defaultCacheControl,
        ]
        return HearthResponse(status: status, headerFields: fields, body: .bytes(ByteBuffer(string: body)))
    }

    /// A handler's name for a template, checked as a URL path is: relative,
    /// no `.`, `..` or dot-file segment, ending in `.mustache`, resolved
    /// inside the root.
    private func template(named name: String) throws -> String {
        let segments = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !name.hasPrefix("/"), segments.allSatisfy(PageRoute.isPlainSegment), name.hasSuffix("." + TemplateSource.fileExtension) else {
            throw HearthError.status(.notFound, "\(name) is not a template name: a path below the root ending in .mustache")
        }
        guard let file = PageRoute(resolver: cache.resolver).regularTemplate(segments) else {
            throw HearthError.status(.notFound, "no template \(name) under \(root)")
        }
        return file
    }
}
