#if canImport(Glibc)
import Glibc
#endif
import HearthCGI
import HearthGateway
import HearthScripts
import HearthHTTP
import HearthRelay
import HearthStatic
import HearthWorkers
import Logging

/// What the site builder needs to turn a `static` item with `scripts:`
/// into a `DocumentRootResponder`: the runners of its extensions, checked
/// once at start-up, each error naming its key and the file's position.
struct DocumentRootScripts {
    let server: CGIServer
    let limiter: ScriptLimiter
    let redirector: LocalRedirector
    /// The `fastcgi` items by `name:`.
    let pools: [String: FastCGIResponder]
    let logger: Logger
    /// The site builder's: absolute, symlink-free, or an error at `key`.
    let resolveDirectory: (_ path: String, _ key: String) throws -> String

    /// `files.root` is resolved already; its `sendfile_roots` are resolved
    /// here. `settings` is how its cold scripts run (the item's `cgi:`).
    func responder(
        for files: inout StaticFilesConfiguration, settings: CGIMountConfiguration, files fileResponder: any ExplainingResponder, key: String,
        configuration: HearthConfiguration
    ) throws -> DocumentRootResponder {
        var runners: [String: DocumentRootResponder.Runner] = [:]
        var interpreters: [String: String] = [:]
        for (name, runner) in files.scripts {
            let origin = configuration.origin(of: "\(key).scripts.\(name)")
            switch runner {
            case .interpreter(let program):
                guard case .file(executable: true) = CGIPosixFileSystem().kind(of: program) else {
                    throw origin.error("the interpreter \(program) does not exist or is not executable")
                }
                interpreters[name] = program
            case .fastCGI(let pool):
                guard let responder = pools[pool] else {
                    let names = pools.keys.sorted().joined(separator: ", ")
                    throw origin.error("no fastcgi item is named \(pool)" + (names.isEmpty ? " (none has a name:)" : "; named are \(names)"))
                }
                runners[name] = .warm(responder)
            case .cgi:
                break
            }
        }
        files.sendfileRoots = try files.sendfileRoots.enumerated().map { number, root in
            try resolveDirectory(root, "\(key).sendfile_roots[\(number)]")
        }
        let sendfile = files.sendfileRoots.isEmpty
            ? nil : StaticFileSender(roots: files.sendfileRoots, files: StaticFileResponder(configuration: files, logger: logger), logger: logger)
        var mount = settings
        mount.sendfile = sendfile
        mount.urlPath = files.urlPath
        mount.directory = files.root
        mount.interpreters = interpreters
        let gateway = CGIGateway(mount: mount, server: server, limiter: limiter, redirector: redirector, logger: logger)
        for (name, runner) in files.scripts where runners[name] == nil {
            runners[name] = .cold(gateway)
        }
        try checkFallback(files, key: key, configuration: configuration)
        return DocumentRootResponder(route: DocumentRootRoute(configuration: files), files: fileResponder, runners: runners, sendfile: sendfile)
    }

    /// The fallback must be a mapped script inside the root (symlinks
    /// followed), not in another mount's directory.
    private func checkFallback(_ files: StaticFilesConfiguration, key: String, configuration: HearthConfiguration) throws {
        guard let fallback = files.fallback else { return }
        let origin = configuration.origin(of: "\(key).fallback")
        guard let segments = try? RequestPath.parse(fallback).get().segments, let name = segments.last else {
            throw origin.error("\(fallback) is not a URL path below the mount")
        }
        let route = DocumentRootRoute(configuration: files)
        guard route.mappedExtension(name) != nil else {
            let mapped = files.scripts.keys.sorted().map { "." + $0 }.joined(separator: ", ")
            throw origin.error("\(fallback) is not a script: its extension is not in scripts (\(mapped.isEmpty ? "none" : mapped))")
        }
        let target: FileResolver.Target
        do {
            target = try route.resolver.resolve(segments)
        } catch {
            throw origin.error("\(fallback) is not a file inside the root \(files.root): \(error.message)")
        }
        guard case .file = CGIPosixFileSystem().kind(of: target.resolved) else {
            throw origin.error("\(fallback) is not a regular file in \(files.root)")
        }
    }

    /// `.php by /usr/bin/php-cgi, .cgi as CGI programs, .phtml by the FastCGI pool php`.
    static func summary(of scripts: [String: StaticScriptRunner]) -> String {
        scripts.sorted { $0.key < $1.key }.map { name, runner in
            switch runner {
            case .cgi: ".\(name) as CGI programs"
            case .interpreter(let program): ".\(name) by \(program) (cold)"
            case .fastCGI(let pool): ".\(name) by the FastCGI pool \(pool) (warm)"
            }
        }.joined(separator: ", ")
    }
}
