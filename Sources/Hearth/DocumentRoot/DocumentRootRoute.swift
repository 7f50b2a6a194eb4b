import HearthCGI
import HearthHTTP
import HearthStatic

/// Which file of a document root with scripts in it (a `static` item with
/// `scripts:`) answers a request, and whether it runs or is sent: decided
/// once per request, on the request's one reading of its path
/// (`Request.path`), before anything is started or opened.
///
/// A file runs when its name has a mapped extension, read as
/// `SourceFiles` reads it (any case, trailing dots and spaces, a
/// `::$DATA` stream name): the same reading by which the static responder
/// refuses the file's bytes, so no spelling both escapes the script path
/// and reaches the byte path.
struct DocumentRootRoute: Sendable {
    enum Decision: Sendable, Equatable {
        /// The static responder answers (a file, a directory's 301, its
        /// listing, 404 or 403 with the static rules).
        case files
        /// `script` runs, by the runner of the extension `runner` names.
        case script(CGIScript, runner: String)
    }

    /// The mount's URL path as request paths are read.
    let mountPath: RequestPath
    /// SCRIPT_NAME's prefix: the mount's URL path without a trailing slash
    /// (`""` for `/`), as `CGIScriptResolver` writes it.
    let scriptPrefix: String
    /// Absolute and symlink-free (the site builder resolves it).
    let root: String
    /// `root` less the other mounts' directories: a script found here must
    /// lie where the static responder would serve a file from.
    let resolver: FileResolver
    /// Lowercased extensions to how they run.
    let scripts: [String: StaticScriptRunner]
    let indexFiles: [String]
    /// The fallback's segments below the mount (`["index.php"]`).
    let fallback: [String]?
    let fileSystem: any CGIFileSystem

    init(configuration: StaticFilesConfiguration, fileSystem: any CGIFileSystem = CGIPosixFileSystem()) {
        mountPath = RequestPath.mount(configuration.urlPath)
        scriptPrefix = mountPath.segments.isEmpty ? "" : "/" + mountPath.segments.joined(separator: "/")
        root = configuration.root
        resolver = FileResolver(configuration: configuration)
        scripts = configuration.scripts
        indexFiles = configuration.indexFiles
        fallback = configuration.fallback.flatMap { try? RequestPath.parse($0).get().segments }
        self.fileSystem = fileSystem
    }

    /// The mapped extension `name` is read as, if any.
    func mappedExtension(_ name: some StringProtocol) -> String? {
        SourceFiles.extensions(of: name).first { scripts[$0] != nil }
    }

    func decide(_ request: Request) throws(HTTPError) -> Decision {
        let path = try request.path
        guard let rest = path.below(mountPath) else { return .files }
        // Dot files are configuration, never content: not run either.
        if rest.contains(where: { $0.hasPrefix(".") }) { return .files }
        // RFC 3875 §3.3: the script is the first file along the path; what
        // follows it is PATH_INFO (`doku.php/wiki/start`).
        var directory = root
        for index in rest.indices {
            let candidate = directory + "/" + rest[index]
            switch fileSystem.kind(of: candidate) {
            case .missing:
                return try missing(rest[index...])
            case .other:
                return .files
            case .directory:
                directory = candidate
            case .file(let executable):
                guard let runner = mappedExtension(rest[index]) else {
                    // `logo.png/x` names nothing, as a missing file does.
                    if index == rest.index(before: rest.endIndex) { return .files }
                    return try missing(rest[(index + 1)...])
                }
                let pathInfo = RequestPath.pathInfo(rest[(index + 1)...], trailingSlash: path.trailingSlash)
                return try script(rest[...index], pathInfo: pathInfo, runner: runner, executable: executable)
            }
        }
        return try index(of: rest, directory: directory, trailingSlash: path.trailingSlash)
    }

    /// A directory URL with its slash runs the first index file that
    /// exists when it is a script (Apache's `DirectoryIndex`); any other
    /// index, the 301 to the slash and the 403 are the static responder's.
    private func index(of rest: ArraySlice<String>, directory: String, trailingSlash: Bool) throws(HTTPError) -> Decision {
        guard trailingSlash else { return .files }
        for name in indexFiles {
            switch fileSystem.kind(of: directory + "/" + name) {
            case .missing, .directory: continue
            case .other: return .files
            case .file(let executable):
                guard let runner = mappedExtension(name) else { return .files }
                return try script(rest + [name], pathInfo: "", runner: runner, executable: executable)
            }
        }
        return .files
    }

    /// Nothing at the path: the fallback, unless the URL names a script
    /// (`/missing.php` is 404, never the front controller). Apache does
    /// the same: mod_dir's `fixup_dflt` runs only for a request with no
    /// handler, and `AddHandler` gives `/missing.php` one; so does nginx's
    /// usual `location ~ \.php$ { try_files $uri =404; }`.
    private func missing(_ rest: ArraySlice<String>) throws(HTTPError) -> Decision {
        guard let fallback, let name = fallback.last, let runner = mappedExtension(name) else { return .files }
        if rest.contains(where: { mappedExtension($0) != nil }) { return .files }
        let file = ([root] + fallback).joined(separator: "/")
        guard case .file(let executable) = fileSystem.kind(of: file) else {
            throw HTTPError(.notFound, "the fallback \(file) does not exist")
        }
        // Apache's FallbackResource and nginx's `try_files … /index.php?$args`
        // alike: SCRIPT_NAME is the fallback, no PATH_INFO; REQUEST_URI and
        // QUERY_STRING stay the client's (the request is not rewritten).
        return try script(fallback[...], pathInfo: "", runner: runner, executable: executable)
    }

    /// The script `segments` name, once the static rules allow the file
    /// (inside the root, symlinks too; no dot file; not another mount's).
    private func script(_ segments: ArraySlice<String>, pathInfo: String, runner: String, executable: Bool) throws(HTTPError) -> Decision {
        let target = try resolver.resolve(Array(segments))
        let interpreter: String?
        switch scripts[runner] {
        case .cgi?:
            // A file mapped to `cgi` that is not executable is 403, as in a
            // cgi-bin directory: never run some other way, never shown.
            guard executable else { throw HTTPError(.forbidden, "\(CGIScriptResolver.notExecutable): \(target.requested)") }
            interpreter = nil
        case .interpreter(let program)?:
            // Apache's Action: the interpreter runs the file, executable or not.
            interpreter = program
        case .fastCGI?, nil:
            interpreter = nil
        }
        let script = CGIScript(
            scriptName: scriptPrefix + "/" + segments.joined(separator: "/"), pathInfo: pathInfo, filePath: target.requested, interpreter: interpreter
        )
        return .script(script, runner: runner)
    }
}
