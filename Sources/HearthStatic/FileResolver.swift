#if canImport(Glibc)
import Glibc
#endif
import HearthHTTP

/// Maps checked path segments to a real file, refusing what escapes the
/// root (SECURITY.md, path traversal): the path is resolved with
/// realpath(3), every symlink followed, and the result must lie under
/// realpath(root) (or one of the mount's `symlink_roots`), outside every
/// forbidden root and outside every path the mount's `deny` list names.
package struct FileResolver: Sendable {
    package let root: String
    package let forbiddenRoots: [String]
    /// Absolute paths under `root` that are never served nor run.
    package let denied: [String]
    /// Directories outside `root` that the tree's symlinks may lead into.
    package let symlinkRoots: [String]

    package init(root: String, forbiddenRoots: [String], denied: [String] = [], symlinkRoots: [String] = []) {
        self.root = root
        self.forbiddenRoots = forbiddenRoots
        self.denied = denied
        self.symlinkRoots = symlinkRoots
    }

    /// The resolver of a static item: its root, the other mounts'
    /// directories, and its `deny` list (paths below the mount's URL,
    /// hence below its root).
    package init(configuration: StaticFilesConfiguration) {
        let root = configuration.root.hasSuffix("/") ? String(configuration.root.dropLast()) : configuration.root
        self.init(
            root: configuration.root, forbiddenRoots: configuration.forbiddenRoots, denied: configuration.deny.map { root + $0 },
            symlinkRoots: configuration.symlinkRoots
        )
    }

    /// A file to open: `resolved` has no symlinks left; `requested` is the
    /// name as asked for, whose extension decides the content type.
    package struct Target: Sendable {
        package var resolved: String
        package var requested: String
    }

    package func resolve(_ segments: [String]) throws(HTTPError) -> Target {
        let requested = ([root] + segments).joined(separator: "/")
        // Resolved per request, so a root replaced while serving is followed.
        guard let realRoot = Self.realPath(root) else { throw HTTPError(.notFound, "root \(root) does not exist") }
        guard let resolved = Self.realPath(requested) else {
            let reason = errno
            throw HTTPError(reason == EACCES ? .forbidden : .notFound, "\(requested): \(String(cString: strerror(reason)))")
        }
        guard let inside = Self.relative(resolved, under: realRoot) ?? linkedPart(of: resolved) else {
            let roots = symlinkRoots.isEmpty ? "" : " and its symlink_roots"
            throw HTTPError(.forbidden, "\(requested) resolves to \(resolved), outside the root \(realRoot)\(roots)")
        }
        // A symlink may lead to a dot file that the URL did not name.
        if inside.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            throw HTTPError(.notFound, "\(requested) resolves to the dot file \(resolved)")
        }
        for forbidden in forbiddenRoots {
            let realForbidden = Self.realPath(forbidden) ?? forbidden
            if Self.relative(resolved, under: realForbidden) != nil {
                throw HTTPError(.forbidden, "\(requested) lies in \(realForbidden), the directory of another mount")
            }
        }
        // Compared after every symlink is followed, so no other name for a
        // denied file (a symlink, `a/../inc`) reaches it.
        for path in denied {
            let realDenied = Self.realPath(path) ?? path
            if Self.relative(resolved, under: realDenied) != nil {
                throw HTTPError(.forbidden, "\(requested) lies in \(realDenied), which the mount's deny list names")
            }
        }
        return Target(resolved: resolved, requested: requested)
    }

    /// The part of `resolved` below the first symlink root it lies in.
    private func linkedPart(of resolved: String) -> Substring? {
        symlinkRoots.lazy.compactMap { Self.relative(resolved, under: Self.realPath($0) ?? $0) }.first
    }

    /// The part of `path` below `directory`, `""` for the directory itself;
    /// nil when `path` is not under it. A whole-component compare, so that
    /// `/srv/www2` is not under `/srv/www`.
    static func relative(_ path: String, under directory: String) -> Substring? {
        if path == directory { return "" }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(prefix) ? path.dropFirst(prefix.count) : nil
    }

    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
