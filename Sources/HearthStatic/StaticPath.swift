import HearthCGI
import HearthHTTP

/// A request path inside a static mount: the request's one reading of its
/// path (`Request.path`: decoded once, checked, empty segments merged),
/// less the mount, with the rule only files add.
package struct StaticPath: Equatable {
    /// Decoded segments below the root; none is empty, `.`, `..`, holds a
    /// slash or NUL, or starts with a dot.
    package var segments: [String]
    /// Whether the URL ends in `/`. A directory is served only so, because
    /// relative links in its index resolve against it (RFC 3986 §5.2).
    package var trailingSlash: Bool
    /// The mount's own segments, which `location` puts back in front.
    package var mount: RequestPath

    /// The part of `request`'s path below `mount`.
    package static func parse(_ request: Request, mount: RequestPath) throws(HTTPError) -> StaticPath {
        let path = try request.path
        guard let rest = path.below(mount) else { throw HTTPError(.notFound, "outside the mount \(mount.encoded)") }
        // Dot files (.htaccess, .git, .env) are configuration, not content.
        if let dotFile = rest.first(where: { $0.hasPrefix(".") }) { throw HTTPError(.notFound, "dot file \(dotFile)") }
        return StaticPath(segments: Array(rest), trailingSlash: path.trailingSlash, mount: mount)
    }

    /// The canonical URL path of this file or directory, encoded: what a
    /// redirect may send back. It starts with one `/`, whatever the
    /// request's spelling (`//sub` must not become `Location: //sub/`).
    package var location: String {
        RequestPath(segments: mount.segments + segments, trailingSlash: trailingSlash).encoded
    }
}
