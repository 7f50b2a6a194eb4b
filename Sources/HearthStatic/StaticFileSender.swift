import HearthCGI
import HearthHTTP
import HearthRelay
import Logging
import NIOHTTP1

/// `X-Sendfile` and `X-Accel-Redirect` answered with the static rules, for
/// files under a mount's `sendfile_roots` only. `X-Sendfile` names an
/// absolute path; `X-Accel-Redirect` a URL path, read as request paths are
/// and looked up below each root in turn. A mapped script's or template's
/// source is refused here as on the byte path (`SourceFiles`).
package struct StaticFileSender: ScriptFileSender {
    /// Absolute and symlink-free.
    let roots: [String]
    /// The mount's static responder: its reply rules and its sources.
    let files: StaticFileResponder
    let logger: Logger

    package init(roots: [String], files: StaticFileResponder, logger: Logger) {
        self.roots = roots
        self.files = files
        self.logger = logger
    }

    package func send(_ target: ScriptFileTarget, request: Request, headers: HTTPHeaders, label: String, writer: consuming ResponseWriter) async throws {
        let reply: StaticReply
        do {
            reply = try StaticReply.planned(for: request) { () throws(HTTPError) in try plan(target, request: request, scriptHeaders: headers) }
        } catch {
            logger.error("script's file refused", metadata: ["script": "\(label)", "field": "\(target)", "reason": "\(error.message)"])
            reply = .error(error.status == .rangeNotSatisfiable ? error : HTTPError(.badGateway, error.message))
        }
        try await reply.send(for: request, writer: writer)
    }

    func plan(_ target: ScriptFileTarget, request: Request, scriptHeaders: HTTPHeaders) throws(HTTPError) -> StaticReply {
        let file = try OpenFile.open(resolve(target))
        var reply = try files.reply(file, request: request)
        reply.add(scriptHeaders)
        return reply
    }

    /// The file under one of the roots, symlinks followed and kept inside.
    func resolve(_ target: ScriptFileTarget) throws(HTTPError) -> FileResolver.Target {
        let candidates: [(root: String, segments: [String])]
        switch target {
        case .path(let path):
            guard path.hasPrefix("/") else { throw HTTPError(.badGateway, "not an absolute path") }
            let segments = path.split(separator: "/").map(String.init)
            guard !segments.contains(where: { $0 == "." || $0 == ".." }) else { throw HTTPError(.badGateway, "a dot segment in the path") }
            let absolute = "/" + segments.joined(separator: "/")
            candidates = roots.compactMap { root in FileResolver.relative(absolute, under: root).map { (root, $0.split(separator: "/").map(String.init)) } }
        case .uri(let uri):
            let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard uri.hasPrefix("/"), case .success(let parsed) = RequestPath.parse(path) else { throw HTTPError(.badGateway, "not a URL path") }
            candidates = roots.map { ($0, parsed.segments) }
        }
        guard !candidates.isEmpty else { throw HTTPError(.badGateway, "outside the sendfile_roots (\(roots.joined(separator: ", ")))") }
        var failure = HTTPError(.badGateway, "no such file under the sendfile_roots")
        for (root, segments) in candidates {
            let found: FileResolver.Target
            do {
                found = try FileResolver(root: root, forbiddenRoots: []).resolve(segments)
            } catch {
                failure = error
                continue
            }
            // The byte path's rule: a script's or a template's source is never sent.
            if files.sources.contains(found.requested) || files.sources.contains(found.resolved) {
                throw HTTPError(.badGateway, "\(found.resolved) is a script or a template, whose source is never sent")
            }
            return found
        }
        throw failure
    }
}
