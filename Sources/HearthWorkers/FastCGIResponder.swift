import HearthCGI
import HearthScripts
import HearthHTTP
import HearthRelay
import Logging

/// The warm responder: a URL prefix served by a FastCGI application. The
/// environment is built by the cold path's function (RFC 3875 §4.1 — the
/// FastCGI PARAMS *are* CGI meta-variables) and the answer parsed by its
/// parser, so a script behaves the same at either temperature.
public struct FastCGIResponder: ExplainingResponder {
    public let mount: FastCGIMountConfiguration
    let backend: any FastCGIBackend
    let server: CGIServer
    let resolver: CGIScriptResolver?
    /// `mount.urlPath` as request paths are read.
    let mountPath: RequestPath
    let redirector: LocalRedirector
    let logger: Logger

    /// The backend is the mount's pool (started by `WorkerPools`) or a
    /// remote server.
    init(mount: FastCGIMountConfiguration, backend: any FastCGIBackend, server: CGIServer, redirector: LocalRedirector, logger: Logger) {
        self.mount = mount
        self.backend = backend
        self.server = server
        self.redirector = redirector
        self.logger = logger
        let interpreters = Dictionary(uniqueKeysWithValues: mount.extensions.map { ($0, backend.name) })
        self.mountPath = RequestPath.mount(mount.urlPath)
        self.resolver = mount.directory.map { CGIScriptResolver(mountPath: mount.urlPath, root: $0, interpreters: interpreters) }
    }

    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        try await respond(to: request, script: resolve(request), writer: writer)
    }

    /// Hands `script`, already resolved by the caller (a document root's
    /// responder with `scripts: {php: {fastcgi: NAME}}`), to this mount's
    /// application as a file it resolved would be: the same PARAMS, input
    /// and relay.
    public func respond(to request: Request, script: CGIScript, writer: consuming ResponseWriter) async throws {
        try await respond(to: request, script: script, sendfile: nil, writer: writer)
    }

    /// The same, with the files the application names (`X-Sendfile`) sent
    /// by `sendfile`: the calling mount's, since a pool may serve several.
    package func respond(to request: Request, script: CGIScript, sendfile: (any ScriptFileSender)?, writer: consuming ResponseWriter) async throws {
        if !script.filePath.isEmpty { request.notes["script"] = script.filePath }
        let input = try await ScriptInput.prepare(
            for: request, maxBodyBytes: mount.maxBodyBytes, spoolThreshold: mount.spoolThreshold, chunkedBodies: mount.chunkedBodies
        )
        defer { input.close() }
        let params = params(request, script: script, bodyLength: input.length)
        let dispatch = FastCGIDispatch(
            backend: backend, label: backend.name, headerRules: mount.headerRules, maxOutputBytes: mount.maxOutputBytes, sendfile: sendfile,
            redirector: redirector, logger: logger
        )
        try await dispatch.run(request, params: params, input: input, writer: writer)
    }

    private func resolve(_ request: Request) throws -> CGIScript {
        let path = try request.path
        guard let resolver else {
            guard let rest = path.below(mountPath) else { throw HTTPError(.notFound, "outside the mount \(mount.urlPath)") }
            return CGIScript(scriptName: mount.urlPath, pathInfo: RequestPath.pathInfo(rest, trailingSlash: path.trailingSlash), filePath: "")
        }
        switch resolver.resolve(path) {
        case .script(let script) where CGIScriptResolver.fileExtension(script.filePath).map(mount.extensions.contains) == true:
            return script
        case .script(let script): throw notRun(script.filePath)
        case .forbidden(let reason) where reason.hasPrefix(CGIScriptResolver.notExecutable):
            // Every file here is handed to the application by its extension;
            // being executable or not is no reason a user would guess.
            throw notRun(String(reason.dropFirst(CGIScriptResolver.notExecutable.count + 2)))
        case .notFound: throw HTTPError(.notFound, "no file at \(request.rawPath)")
        case .forbidden(let reason): throw HTTPError(.forbidden, reason)
        case .rejected(let reason): throw HTTPError(.badRequest, "\(reason): \(request.rawPath)")
        }
    }
}

extension FastCGIResponder {
    /// The file (or application) the request goes to and the PARAMS it
    /// would be sent, resolved as `respond` resolves it; no worker is
    /// started or asked, no server connected to.
    public func explain(_ request: Request) throws -> Explanation {
        try explain(request, script: resolve(request))
    }

    /// What `respond(to:script:writer:)` would send; nothing is asked.
    public func explain(_ request: Request, script: CGIScript) -> Explanation {
        let handler: String
        var notes: [String] = []
        switch mount.backend {
        case .pool(let pool):
            handler = "FastCGI pool \(pool.command.joined(separator: " ")), \(pool.minProcesses)–\(pool.maxProcesses) workers"
        case .remote(let remote):
            handler = "remote FastCGI server at \(remote.address)"
        }
        if !mount.params.isEmpty { notes.append("params: \(mount.params.map(\.name).joined(separator: ", ")) (after the request's variables)") }
        let params = params(request, script: script, bodyLength: request.contentLength)
        return Explanation(handler: handler, file: script.filePath.isEmpty ? nil : script.filePath, notes: notes, environment: params.map { ($0.0, $0.1) })
    }

    /// The PARAMS of a request to this mount.
    func params(_ request: Request, script: CGIScript, bodyLength: Int?) -> [(String, String)] {
        FastCGIParams.build(
            request: request, script: script, bodyLength: bodyLength, server: server,
            policy: CGIEnvironmentPolicy(passAuthorization: mount.passAuthorization, baseVariables: []),
            redirectStatus: !script.filePath.isEmpty, params: mount.params
        )
    }

    /// `not a .php file: /srv/app/readme.txt`.
    func notRun(_ path: String) -> HTTPError {
        HTTPError(.forbidden, "not a .\(mount.extensions.joined(separator: " or .")) file: \(path)")
    }
}

/// The FastCGI PARAMS of a request: the RFC 3875 meta-variables, from the
/// same builder as a cold script's environment.
enum FastCGIParams {
    /// `redirectStatus`: the application runs files it is handed, as an
    /// interpreter does; php-cgi refuses to unless REDIRECT_STATUS says a
    /// server sent the request (its force_redirect guard), warm as cold.
    /// `params` (the mount's `params:`) come after, and one whose name
    /// the request already set is dropped: a param never stands in for
    /// REMOTE_ADDR, an HTTP_* header or any other request variable.
    /// `bodyLength`: the body's length once read, nil for none.
    static func build(
        request: Request, script: CGIScript, bodyLength: Int?, server: CGIServer, policy: CGIEnvironmentPolicy, redirectStatus: Bool = false,
        params: [(name: String, value: String)] = []
    ) -> [(String, String)] {
        let extra: [CGIEnvironmentBuilder.Variable] = redirectStatus ? [("REDIRECT_STATUS", "200")] : []
        let variables = CGIEnvironmentBuilder.build(
            request: CGIRequestMapping.head(request), script: script,
            body: bodyLength.map { .exactly($0) } ?? .none,
            connection: CGIRequestMapping.connection(request), server: server, policy: policy,
            authentication: CGIRequestMapping.authentication(request), extra: extra
        ).map { ($0.name, $0.value) }
        let taken = Set(variables.map { $0.0.uppercased() })
        return variables + params.filter { !taken.contains($0.name.uppercased()) }.map { ($0.name, $0.value) }
    }
}

