#if canImport(Glibc)
import Glibc
#endif
import HearthCGI
import HearthScripts
import HearthHTTP
import HearthRelay

/// `*.fcgi` files in a CGI directory run warm, each as its own pool of
/// workers (mod_fcgid's convention), instead of once per request.
struct ScriptPools: WarmScripts {
    static let suffix = ".fcgi"
    let directory: String
    let template: WorkerPoolConfiguration
    let pools: WorkerPools
    let server: CGIServer
    let redirector: LocalRedirector

    func runsWarm(_ script: CGIScript) -> Bool {
        script.interpreter == nil && script.filePath.hasSuffix(Self.suffix)
    }

    func respond(to request: Request, script: CGIScript, mount: CGIMountConfiguration, writer: consuming ResponseWriter) async throws {
        let pool = pool(for: script.filePath)
        request.notes["script"] = script.filePath
        let input = try await ScriptInput.prepare(
            for: request, maxBodyBytes: mount.maxBodyBytes, spoolThreshold: mount.spoolThreshold, chunkedBodies: mount.chunkedBodies
        )
        defer { input.close() }
        let params = params(request, script: script, mount: mount, bodyLength: input.length)
        var rules = mount.headerRules
        rules.names = template.scriptHeaders ?? rules.names
        let dispatch = FastCGIDispatch(backend: pool, label: script.filePath, headerRules: rules, maxOutputBytes: mount.maxOutputBytes, redirector: redirector, logger: pools.logger)
        try await dispatch.run(request, params: params, input: input, writer: writer)
    }

    func explain(_ request: Request, script: CGIScript, mount: CGIMountConfiguration) -> Explanation {
        Explanation(
            handler: "FastCGI pool of its own (*.fcgi), \(template.minProcesses)–\(template.maxProcesses) workers", file: script.filePath,
            environment: params(request, script: script, mount: mount, bodyLength: request.contentLength).map { ($0.0, $0.1) }
        )
    }

    private func params(_ request: Request, script: CGIScript, mount: CGIMountConfiguration, bodyLength: Int?) -> [(String, String)] {
        FastCGIParams.build(
            request: request, script: script, bodyLength: bodyLength, server: server,
            policy: CGIEnvironmentPolicy(passAuthorization: mount.passAuthorization, baseVariables: []), params: template.params
        )
    }

    /// Creates the pools of the executable `*.fcgi` files directly in the
    /// directory, so they are started with the server.
    func preload() {
        for name in directoryEntries(directory) where name.hasSuffix(Self.suffix) {
            let path = directory + "/" + name
            if access(path, X_OK) == 0 { _ = pool(for: path) }
        }
    }

    private func pool(for path: String) -> WorkerPool {
        var configuration = template
        configuration.command = [path]
        configuration.workingDirectory = configuration.workingDirectory ?? String(path[..<path.lastIndex(of: "/")!])
        return pools.pool(named: path, configuration: configuration)
    }
}
