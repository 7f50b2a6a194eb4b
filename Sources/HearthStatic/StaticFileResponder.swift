import HearthCGI
import HearthHTTP
import Logging
import NIOCore
import NIOHTTP1

/// Serves the files of one directory: GET and HEAD, index files, validators
/// and conditional requests, single byte ranges, a small body in the head's
/// write and a larger one zero-copy. Never
/// serves a file outside its root, in a forbidden root, or a dot file; each
/// refusal is answered with its status and logged with the reason.
public struct StaticFileResponder: ExplainingResponder {
    let configuration: StaticFilesConfiguration
    let resolver: FileResolver
    /// The mount's URL path as request paths are read.
    package let mountPath: RequestPath
    let logger: Logger
    let types = SniffedTypes()
    /// What is never served as bytes: templates and the mount's scripts.
    let sources: SourceFiles

    public init(configuration: StaticFilesConfiguration, logger: Logger) {
        self.configuration = configuration
        self.mountPath = RequestPath.mount(configuration.urlPath)
        self.resolver = FileResolver(configuration: configuration)
        self.sources = SourceFiles(scriptExtensions: configuration.scripts.keys)
        self.logger = logger
    }

    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        let reply: StaticReply
        do {
            reply = try StaticReply.planned(for: request) { () throws(HTTPError) in try plan(request) }
        } catch {
            logger.notice("static file refused", metadata: [
                "path": "\(request.rawPath)", "reason": "\(error.message)", "status": "\(error.status.code)",
            ])
            reply = .error(error)
        }
        try await reply.send(for: request, writer: writer)
    }

    /// The answer `plan` decides on, told; the file it opened is closed
    /// again, never read.
    public func explain(_ request: Request) throws -> Explanation {
        switch try plan(request) {
        case .file(let file, let status, let range, _):
            file.close()
            let part = status == .partialContent ? ", bytes \(range.lowerBound)-\(range.upperBound - 1)" : ""
            return Explanation(handler: "static file", file: file.target.resolved, notes: ["\(status.code) \(status.reasonPhrase)\(part)"])
        case .notModified:
            return Explanation(handler: "static file", notes: ["304 Not Modified"])
        case .redirect(let location):
            return Explanation(handler: "static files (a directory)", notes: ["301 Moved Permanently to \(location)"])
        case .page:
            return Explanation(handler: "static files (a directory listing)")
        case .loaded(_, let status, _):
            return Explanation(handler: "static file", notes: ["\(status.code) \(status.reasonPhrase)"])
        case .error(let error):
            throw error
        }
    }

    /// Decides the answer; only the file body is left to send.
    func plan(_ request: Request) throws(HTTPError) -> StaticReply {
        guard request.head.method == .GET || request.head.method == .HEAD else {
            // RFC 9110 §15.5.6: a 405 MUST list the allowed methods.
            throw HTTPError(.methodNotAllowed, "\(request.head.method.rawValue) on a static file", headers: [("Allow", "GET, HEAD")])
        }
        let path = try StaticPath.parse(request, mount: mountPath)
        let file = try servable(path.segments)
        if file.status.isDirectory { return try directory(path, request: request) }
        return try reply(file, request: request)
    }

    /// The file `segments` name, opened, unless it is a template's or a
    /// script's source: by the name asked for or by the file a symlink
    /// leads to, however it is spelt. The one place the byte path refuses
    /// them. Without a symlink on the way the two names are one, and the
    /// file is opened before the check (it closes when refused).
    private func servable(_ segments: [String]) throws(HTTPError) -> OpenFile {
        if let file = try OpenFile.openPlain(segments, resolver: resolver) {
            try refuseSource(file.target)
            return file
        }
        let target = try resolver.resolve(segments)
        try refuseSource(target)
        return try OpenFile.open(target)
    }

    private func refuseSource(_ target: FileResolver.Target) throws(HTTPError) {
        let linked = target.resolved != target.requested
        if sources.contains(target.requested) || (linked && sources.contains(target.resolved)) {
            let what = TemplateSource.isTemplate(target.requested) || TemplateSource.isTemplate(target.resolved) ? "a page template" : "a script"
            throw HTTPError(.notFound, "\(target.resolved) is \(what), whose source is never served")
        }
    }

    /// A directory URL needs its trailing slash; then its first index file.
    private func directory(_ path: StaticPath, request: Request) throws(HTTPError) -> StaticReply {
        guard path.trailingSlash else {
            let uri = request.head.uri
            let query = uri.firstIndex(of: "?").map { uri[$0...] } ?? ""
            return .redirect(path.location + "/" + query)
        }
        for name in configuration.indexFiles {
            let file: OpenFile
            do {
                file = try servable(path.segments + [name])
            } catch where error.status == .notFound {
                continue
            }
            if file.status.isRegularFile { return try reply(file, request: request) }
        }
        if configuration.listDirectories { return try DirectoryListing(resolver: resolver).reply(for: path) }
        // Like Apache without Options Indexes: the directory exists but is not shown.
        throw HTTPError(.forbidden, "directory without an index file")
    }

    func reply(_ file: OpenFile, request: Request) throws(HTTPError) -> StaticReply {
        guard file.status.isRegularFile else { throw HTTPError(.forbidden, "not a regular file") }
        let headers = request.head.headers
        var fields = HTTPHeaders([("ETag", file.status.entityTag), ("Last-Modified", file.status.lastModified)])
        if Preconditions.isNotModified(headers, file: file.status) { return .notModified(fields) }
        fields.add(name: "Content-Type", value: types.contentType(forFile: file.target.requested, entityTag: file.status.entityTag))
        fields.add(name: "Accept-Ranges", value: "bytes")
        let size = file.status.size
        // RFC 9110 §14.2: range handling is defined for GET only.
        let wantsRange = request.head.method == .GET && Preconditions.rangeApplies(headers, file: file.status)
        switch wantsRange ? ByteRangeRequest.parse(headers.first(name: "range"), size: size) : .whole {
        case .whole:
            return .file(file, status: .ok, range: 0..<size, headers: fields)
        case .part(let range):
            fields.add(name: "Content-Range", value: "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)")
            return .file(file, status: .partialContent, range: range, headers: fields)
        case .unsatisfiable:
            // RFC 9110 §14.4: a 416 tells the current length this way.
            throw HTTPError(.rangeNotSatisfiable, "range \(headers.first(name: "range") ?? "") of a \(size)-byte file", headers: [("Content-Range", "bytes */\(size)")])
        }
    }
}
