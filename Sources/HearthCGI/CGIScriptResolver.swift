/// Maps a request path under a script directory to a script, following the
/// traversal rules of SECURITY.md: decode once, reject `..`, NUL and encoded
/// slashes, stay inside the root (symlinks included), and never treat a
/// non-executable file as anything but forbidden.
public struct CGIScriptResolver: Sendable {
    public enum Outcome: Sendable, Equatable {
        case script(CGIScript)
        /// Nothing exists at the path.
        case notFound
        /// Something exists but must not run or be shown (a directory, a
        /// non-executable file, a link out of the root), with the reason.
        case forbidden(String)
        /// The path itself is malformed or hostile, with the reason.
        case rejected(String)
    }

    /// The URL path the directory is mounted at, without a trailing slash
    /// (`/cgi-bin`).
    public var mountPath: String
    /// The directory's absolute, symlink-free path.
    public var root: String
    /// File extensions (without the dot) run by an interpreter, and which.
    public var interpreters: [String: String]
    public var fileSystem: any CGIFileSystem
    /// `mountPath` as a request path reads it.
    private let mount: RequestPath

    public init(mountPath: String, root: String, interpreters: [String: String] = [:], fileSystem: any CGIFileSystem = CGIPosixFileSystem()) {
        self.mountPath = mountPath.hasSuffix("/") ? String(mountPath.dropLast()) : mountPath
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.interpreters = interpreters
        self.fileSystem = fileSystem
        self.mount = RequestPath.mount(mountPath)
    }

    /// `relativePath` is the still-encoded part of the URL path after the
    /// mount path, e.g. `hello.sh/extra%20info`, read as `RequestPath`
    /// reads every request path.
    public func resolve(_ relativePath: Substring) -> Outcome {
        switch RequestPath.parse(relativePath) {
        case .success(let path): resolve(path.segments[...], trailingSlash: path.trailingSlash)
        case .failure(let rejection): .rejected(rejection.description)
        }
    }

    /// `path` is a whole request path (`Request.path`); the segments below
    /// `mountPath` name the script and its PATH_INFO.
    public func resolve(_ path: RequestPath) -> Outcome {
        guard let rest = path.below(mount) else { return .notFound }
        return resolve(rest, trailingSlash: path.trailingSlash)
    }

    /// The script is the first regular file along the segments (§3.3: the
    /// rest is PATH_INFO); a directory at the end is forbidden.
    private func resolve(_ segments: ArraySlice<String>, trailingSlash: Bool) -> Outcome {
        var directory = root
        for index in segments.indices {
            let candidate = directory + "/" + segments[index]
            switch fileSystem.kind(of: candidate) {
            case .missing: return .notFound
            case .other: return .forbidden("not a regular file: \(candidate)")
            case .directory: directory = candidate
            case .file(let executable):
                let pathInfo = RequestPath.pathInfo(segments[(index + 1)...], trailingSlash: trailingSlash)
                return script(at: candidate, executable: executable, named: segments[...index], pathInfo: pathInfo)
            }
        }
        return .forbidden("directory: \(directory)")
    }

    private func script(at path: String, executable: Bool, named: ArraySlice<String>, pathInfo: String) -> Outcome {
        guard let real = fileSystem.realPath(path), real.hasPrefix(root + "/") else {
            return .forbidden("resolves outside the script directory: \(path)")
        }
        let interpreter = Self.fileExtension(path).flatMap { interpreters[$0] }
        guard executable || interpreter != nil else {
            return .forbidden("\(Self.notExecutable): \(path)")
        }
        let scriptName = mountPath + "/" + named.joined(separator: "/")
        return .script(CGIScript(scriptName: scriptName, pathInfo: pathInfo, filePath: path, interpreter: executable ? nil : interpreter))
    }

    /// The reason a file that neither is executable nor has an
    /// interpreter's extension is refused.
    public static let notExecutable = "not executable"

    /// The extension of the file `path` names, without the dot; nil when none.
    public static func fileExtension(_ path: String) -> String? {
        guard let name = path.split(separator: "/").last, let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return String(name[name.index(after: dot)...])
    }
}
