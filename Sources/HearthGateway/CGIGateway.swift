#if canImport(Glibc)
import Glibc
#endif
import HearthCGI
import HearthHTTP
import HearthScripts
import HearthRelay
import Logging
import HearthProcess
import NIOCore
import NIOPosix

/// The CGI responder (RFC 3875): resolves the script, prepares its input,
/// starts it and relays its response. One per script directory.
public struct CGIGateway: ExplainingResponder {
    public let mount: CGIMountConfiguration
    let server: CGIServer
    let resolver: CGIScriptResolver
    let limiter: ScriptLimiter
    let redirector: LocalRedirector
    let logger: Logger
    let group: any EventLoopGroup
    /// Runs some scripts (`*.fcgi`) as FastCGI workers instead.
    let warm: (any WarmScripts)?

    /// `mount.directory` must be absolute and symlink-free (the site builder
    /// resolves it at start-up).
    public init(
        mount: CGIMountConfiguration, server: CGIServer, limiter: ScriptLimiter, redirector: LocalRedirector,
        logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, warm: (any WarmScripts)? = nil
    ) {
        self.mount = mount
        self.server = server
        self.resolver = CGIScriptResolver(mountPath: mount.urlPath, root: mount.directory, interpreters: mount.interpreters)
        self.limiter = limiter
        self.redirector = redirector
        self.logger = logger
        self.group = group
        self.warm = warm
    }

    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        try await respond(to: request, script: resolve(request), writer: writer)
    }

    /// Runs `script`, already resolved by the caller (a document root's
    /// responder, which decides once per request which file runs), as it
    /// runs a script this gateway resolved: the same environment, input,
    /// slots and relay.
    public func respond(to request: Request, script: CGIScript, writer: consuming ResponseWriter) async throws {
        if script.isNPH && request.isHTTP2 { throw HTTPError.nphOverHTTP2(script.filePath) }
        if let warm, warm.runsWarm(script) { return try await warm.respond(to: request, script: script, mount: mount, writer: writer) }
        let input = try await ScriptInput.prepare(
            for: request, maxBodyBytes: mount.maxBodyBytes, spoolThreshold: mount.spoolThreshold, chunkedBodies: mount.chunkedBodies
        )
        defer { input.close() }
        let waits = { logger.debug("waiting for a script slot", metadata: ["script": "\(script.filePath)", "running": "\(limiter.running)"]) }
        guard await limiter.acquire(script.filePath, perScriptLimit: mount.maxConcurrentPerScript, timeout: mount.queueTimeout, onWait: waits) else {
            throw HTTPError(.serviceUnavailable, "no free script slot for \(script.filePath) within the queue timeout", headers: [("Retry-After", "1")])
        }
        defer { limiter.release(script.filePath) }
        let process: ScriptProcess
        let limits = LimitWatch(limits: mount.limits, group: mount.controlGroup)
        let stderrTail = OutputTail()
        let observer = request.notes.observer as? any ScriptRunObserver
        do {
            // Read on an event loop, outside the request's task: the id is
            // given here, not by the task's metadata provider.
            let metadata: Logger.Metadata = ["script": "\(script.filePath)", "stream": "stderr", RequestID.metadataKey: "\(request.id)"]
            process = try await ScriptProcess.start(spawnRequest(script, request: request, input: input), group: group) { [logger] line in
                logger.warning("\(line)", metadata: metadata)
                stderrTail.append(line)
            }
        } catch {
            throw HTTPError(.internalServerError, "cannot start \(script.filePath): \(error)")
        }
        // The status page shows it beside the request in flight; the access
        // log can print it (`%{pid}n`).
        request.notes["pid"] = String(process.pid)
        observer?.scriptStarted(script.filePath, pid: process.pid)
        let run = ScriptRun(
            process: process, script: script, request: request, mount: mount, redirector: redirector, logger: logger, limits: limits,
            stderrTail: stderrTail, observer: observer
        )
        try await run.run(input: input, writer: writer)
    }

    private func resolve(_ request: Request) throws -> CGIScript {
        switch try resolver.resolve(request.path) {
        case .script(let script): return script
        case .notFound: throw HTTPError(.notFound, "no script at \(request.rawPath)")
        case .forbidden(let reason): throw HTTPError(.forbidden, reason)
        case .rejected(let reason): throw HTTPError(.badRequest, "\(reason): \(request.rawPath)")
        }
    }

    private func spawnRequest(_ script: CGIScript, request: Request, input: ScriptInput) -> SpawnRequest {
        var spawn = SpawnRequest(
            executable: script.interpreter ?? script.filePath, arguments: arguments(script, request: request),
            environment: environment(script, request: request, bodyLength: input.length),
            workingDirectory: script.directory, stdinFile: input.stdinFile
        )
        spawn.confine(mount.limits, group: mount.controlGroup)
        spawn.runAs = mount.runAsPolicy.map { RunAsTicket(policy: $0, script: script.filePath) }
        return spawn
    }
}

extension CGIGateway {
    /// The script's environment: `bodyLength` is the body's length once
    /// read (after de-chunking), nil for none.
    func environment(_ script: CGIScript, request: Request, bodyLength: Int?) -> [(name: String, value: String)] {
        var extra: [(name: String, value: String)] = []
        // php-cgi refuses to run unless REDIRECT_STATUS says a server sent it
        // (its force_redirect guard); Apache's Action sets it the same way.
        if script.interpreter != nil { extra.append(("REDIRECT_STATUS", "200")) }
        return CGIEnvironmentBuilder.build(
            request: CGIRequestMapping.head(request), script: script,
            body: bodyLength.map { .exactly($0) } ?? .none,
            connection: CGIRequestMapping.connection(request), server: server,
            policy: CGIEnvironmentPolicy(passAuthorization: mount.passAuthorization, baseVariables: mount.environment),
            authentication: CGIRequestMapping.authentication(request), extra: extra
        )
    }

    func arguments(_ script: CGIScript, request: Request) -> [String] {
        var arguments = script.interpreter.map { [$0, script.filePath] } ?? [script.filePath]
        if mount.commandLineWords {
            arguments += CGICommandLine.searchWords(method: request.head.method.rawValue, queryString: CGIRequestMapping.head(request).queryString)
        }
        return arguments
    }

    /// The script the request names and the environment it would get,
    /// resolved as `respond` resolves it; nothing is started. The body's
    /// length is the request's `Content-Length` (a chunked body's is known
    /// only once it is read).
    public func explain(_ request: Request) throws -> Explanation {
        try explain(request, script: resolve(request))
    }

    /// What `respond(to:script:writer:)` would run; nothing is started.
    public func explain(_ request: Request, script: CGIScript) -> Explanation {
        if let warm, warm.runsWarm(script) { return warm.explain(request, script: script, mount: mount) }
        let handler = script.interpreter.map { "interpreter \($0), run once per request (CGI)" } ?? (script.isNPH ? "CGI script (non-parsed headers)" : "CGI script")
        return Explanation(
            handler: handler, file: script.filePath,
            notes: ["command: \(arguments(script, request: request).joined(separator: " "))", "working directory: \(script.directory)"],
            environment: environment(script, request: request, bodyLength: request.contentLength)
        )
    }
}
