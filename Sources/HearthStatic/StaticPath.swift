import HearthCGI
import HearthHTTP

/// A request path inside a static mount, decoded and checked before it
/// touches the file system (SECURITY.md, path traversal: Apache
/// CVE-2021-41773 and CVE-2021-42013 decoded twice, or checked before
/// decoding).
package struct StaticPath: Equatable {
    /// Decoded segments below the root; none is empty, `.`, `..`, holds a
    /// slash or NUL, or starts with a dot.
    package var segments: [String]
    /// Whether the URL ends in `/`. A directory is served only so, because
    /// relative links in its index resolve against it (RFC 3986 §5.2).
    package var trailingSlash: Bool

    /// Strips `mount` (no trailing slash, `""` for `/`) from the raw,
    /// still percent-encoded path, then decodes each segment exactly once.
    package static func parse(rawPath: Substring, mount: String) throws(HTTPError) -> StaticPath {
        let rest: Substring
        if rawPath == mount {
            rest = ""
        } else if rawPath.hasPrefix(mount + "/") {
            rest = rawPath.dropFirst(mount.count)
        } else {
            throw HTTPError(.notFound, "outside the mount \(mount)/")
        }
        // Splitting before decoding is what makes %2F unable to add a level.
        let raw = rest.split(separator: "/", omittingEmptySubsequences: true)
        var segments: [String] = []
        for segment in raw { segments.append(try decode(segment)) }
        return StaticPath(segments: segments, trailingSlash: rest.hasSuffix("/"))
    }

    private static func decode(_ segment: Substring) throws(HTTPError) -> String {
        guard let decoded = PercentDecoding.decode(segment) else {
            throw HTTPError(.badRequest, "bad percent-encoding or not UTF-8 in segment \(segment)")
        }
        if decoded.utf8.contains(0) { throw HTTPError(.badRequest, "NUL in path segment") }
        if decoded == "." || decoded == ".." { throw HTTPError(.badRequest, "dot segment \(segment) in path") }
        // An encoded slash names no file: Apache's AllowEncodedSlashes Off.
        if decoded.contains("/") { throw HTTPError(.notFound, "encoded slash in segment \(segment)") }
        // Dot files (.htaccess, .git, .env) are configuration, not content.
        if decoded.hasPrefix(".") { throw HTTPError(.notFound, "dot file \(decoded)") }
        return decoded
    }
}
