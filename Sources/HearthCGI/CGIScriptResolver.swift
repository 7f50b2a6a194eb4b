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

    public init(mountPath: String, root: String, interpreters: [String: String] = [:], fileSystem: any CGIFileSystem = CGIPosixFileSystem()) {
        self.mountPath = mountPath.hasSuffix("/") ? String(mountPath.dropLast()) : mountPath
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.interpreters = interpreters
        self.fileSystem = fileSystem
    }

    /// `relativePath` is the still-encoded part of the URL path after the
    /// mount path, e.g. `hello.sh/extra%20info`.
    public func resolve(_ relativePath: Substring) -> Outcome {
        let segments: [String]
        switch Self.decodeSegments(relativePath) {
        case .success(let decoded): segments = decoded
        case .failure(let error): return .rejected(error.reason)
        }
        if segments == [""] { return .forbidden("directory: \(root)") }
        var directory = root
        for (index, segment) in segments.enumerated() {
            if segment.isEmpty { return .notFound }
            let candidate = directory + "/" + segment
            switch fileSystem.kind(of: candidate) {
            case .missing: return .notFound
            case .other: return .forbidden("not a regular file: \(candidate)")
            case .directory: directory = candidate
            case .file(let executable):
                return script(at: candidate, executable: executable, named: segments[...index], rest: segments[(index + 1)...])
            }
        }
        return .forbidden("directory: \(directory)")
    }

    private func script(at path: String, executable: Bool, named: ArraySlice<String>, rest: ArraySlice<String>) -> Outcome {
        guard let real = fileSystem.realPath(path), real.hasPrefix(root + "/") else {
            return .forbidden("resolves outside the script directory: \(path)")
        }
        let interpreter = Self.fileExtension(path).flatMap { interpreters[$0] }
        guard executable || interpreter != nil else {
            return .forbidden("not executable: \(path)")
        }
        let scriptName = mountPath + "/" + named.joined(separator: "/")
        let pathInfo = rest.isEmpty ? "" : "/" + rest.joined(separator: "/")
        return .script(CGIScript(scriptName: scriptName, pathInfo: pathInfo, filePath: path, interpreter: executable ? nil : interpreter))
    }

    /// The extension of the file `path` names, without the dot; nil when none.
    public static func fileExtension(_ path: String) -> String? {
        guard let name = path.split(separator: "/").last, let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return String(name[name.index(after: dot)...])
    }

    /// Splits on "/" first, then percent-decodes each segment exactly once,
    /// so `%2F` can never become a separator. Splits and checks bytes, not
    /// Characters: "/" followed by a combining mark is one Character, and
    /// would otherwise slip a separator past both checks ("..%2F%CC%81").
    static func decodeSegments(_ path: Substring) -> Result<[String], ResolveError> {
        var segments: [String] = []
        for rawBytes in path.utf8.split(separator: 0x2F, omittingEmptySubsequences: false) {
            let raw = Substring(rawBytes)
            guard let decoded = PercentDecoding.decode(raw) else {
                return .failure(ResolveError("malformed percent-encoding in \(raw)"))
            }
            if decoded.utf8.contains(0x2F) { return .failure(ResolveError("encoded slash in path segment \(raw)")) }
            if decoded.utf8.contains(0) { return .failure(ResolveError("NUL in path segment \(raw)")) }
            if decoded == ".." || decoded == "." { return .failure(ResolveError("dot segment in path")) }
            segments.append(decoded)
        }
        if segments.first == "" && segments.count > 1 { segments.removeFirst() }
        return .success(segments)
    }

    public struct ResolveError: Error, Equatable {
        public var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
