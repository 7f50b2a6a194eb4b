import HTTPTypes
import HearthWeb

/// Serves the pages of a `ServerPages` at their URLs below the mount
/// (PATH_INFO): GET, HEAD (the same head, no body) and POST (a form).
/// A hot handler like any other, so it can be wrapped in steps that run
/// before the page (`PhasedHandler`: a session, a user) and mounted alone.
public struct PageHandler: HearthHandler {
    public let pages: ServerPages

    public init(_ pages: ServerPages) {
        self.pages = pages
    }

    public func handle(_ request: HearthRequest) async throws -> HearthResponse {
        guard [.get, .head, .post].contains(request.method) else {
            throw HearthError.methodNotAllowed(allowed: [.get, .head, .post])
        }
        let pathInfo = request.pathInfo
        let segments = pathInfo.split(separator: "/").map(String.init)
        guard segments.allSatisfy(PageRoute.isPlainSegment),
            let file = PageRoute(resolver: pages.cache.resolver).template(for: segments, directory: pathInfo.isEmpty || pathInfo.hasSuffix("/"))
        else {
            throw HearthError.status(.notFound, "no page at \(pathInfo)")
        }
        return try await pages.response(file: file, for: request)
    }
}
