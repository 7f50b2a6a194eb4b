#if canImport(Glibc)
import Glibc
#endif
import CHearthFiles
import HearthHTTP

/// Maps checked path segments to a real file, refusing what escapes the
/// root (SECURITY.md, path traversal): the path is resolved with
/// realpath(3), every symlink followed, and the result must lie under
/// realpath(root) (or one of the mount's `symlink_roots`), outside every
/// forbidden root and outside every path the mount's `deny` list names.
///
/// The common case costs no realpath: a path with no symlink on its way is
/// its own real path, so `openPlain` opens it with openat2(2)'s
/// RESOLVE_NO_SYMLINKS and applies the same rules to it as spelt; any link,
/// error or missing openat2 leaves the decision to `resolve`.
package struct FileResolver: Sendable {
    package let root: String
    package let forbiddenRoots: [String]
    /// Absolute paths under `root` that are never served nor run.
    package let denied: [String]
    /// Directories outside `root` that the tree's symlinks may lead into.
    package let symlinkRoots: [String]

    /// `root` is spelt as realpath(3) spells paths, so a path below it
    /// that opens without symlinks is its own real path (`openPlain`).
    private let rootIsPlain: Bool

    package init(root: String, forbiddenRoots: [String], denied: [String] = [], symlinkRoots: [String] = []) {
        self.root = root
        self.forbiddenRoots = forbiddenRoots
        self.denied = denied
        self.symlinkRoots = symlinkRoots
        self.rootIsPlain = root != "/" && Self.isPlainAbsolute(root)
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
        let requested = path(of: segments)
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
        try refuseForbidden(resolved, requested: requested)
        return Target(resolved: resolved, requested: requested)
    }

    /// The file `segments` name, opened with open(2)'s `flags`, when no
    /// component of its path is a symlink: then the path as spelt is the one
    /// `resolve` would find (inside the root, no dot file on the way), and
    /// only the other mounts' directories and the deny list are left to
    /// check. Nil when a link, an error or an old kernel is in the way:
    /// `resolve` then decides, with the reason it gives.
    package func openPlain(_ segments: [String], flags: CInt) throws(HTTPError) -> (target: Target, descriptor: CInt)? {
        // A dot segment is left to `resolve`, which refuses it in its own words.
        guard rootIsPlain, segments.allSatisfy(Self.isPlainName) else { return nil }
        let path = path(of: segments)
        let descriptor = hearth_open_without_symlinks(path, flags)
        guard descriptor >= 0 else { return nil }
        do {
            try refuseForbidden(path, requested: path)
        } catch {
            close(descriptor)
            throw error
        }
        return (Target(resolved: path, requested: path), descriptor)
    }

    private func path(of segments: [String]) -> String {
        ([root] + segments).joined(separator: "/")
    }

    /// Another mount's directory, or what the deny list names.
    private func refuseForbidden(_ resolved: String, requested: String) throws(HTTPError) {
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

    /// realpath(3), which reads every component of the path as a link;
    /// a plainly spelt path without links is returned as it is after one
    /// openat2(2) instead.
    package static func realPath(_ path: String) -> String? {
        if isPlainAbsolute(path), hearth_has_no_symlinks(path) == 1 { return path }
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Absolute, and without the spellings realpath(3) rewrites: an empty,
    /// `.` or `..` component, or a trailing slash (`/` itself is plain).
    static func isPlainAbsolute(_ path: String) -> Bool {
        guard path.utf8.first == UInt8(ascii: "/") else { return false }
        if path.utf8.count == 1 { return true }
        return path.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy { name in
            !name.isEmpty && !name.elementsEqual(".".utf8) && !name.elementsEqual("..".utf8) && !name.contains(0)
        }
    }

    /// A path segment that names an entry of its directory and nothing
    /// more, and no dot file.
    static func isPlainName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: ".") else { return false }
        return !name.utf8.contains { $0 == UInt8(ascii: "/") || $0 == 0 }
    }
}
