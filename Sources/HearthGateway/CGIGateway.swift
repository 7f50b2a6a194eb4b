#if canImport(Glibc)
import Glibc
#endif
import HearthCGI
import HearthHTTP
import Logging
import NIOCore
import NIOPosix

/// The CGI responder (RFC 3875): resolves the script, prepares its input,
/// starts it and relays its response. One per script directory.
public struct CGIGateway: Responder {
    public let mount: CGIMountConfiguration
    let server: CGIServer
    let resolver: CGIScriptResolver
    let limiter: ScriptLimiter
    let redirector: LocalRedirector
    let logger: Logger
    let group: any EventLoopGroup

    /// `mount.directory` must be absolute and symlink-free (the site builder
    /// resolves it at start-up).
    public init(
        mount: CGIMountConfiguration, server: CGIServer, limiter: ScriptLimiter, redirector: LocalRedirector,
        logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        // A script that exits before reading its input turns our next write
        // into EPIPE; without this it would be SIGPIPE and the end of the server.
        signal(SIGPIPE, SIG_IGN)
        // The SIGCHLD source exists before the first script runs, not on the
        // first exit the fast path could not reap.
        _ = ChildReaper.shared
        self.mount = mount
        self.server = server
        self.resolver = CGIScriptResolver(mountPath: mount.urlPath, root: mount.directory, interpreters: mount.interpreters)
        self.limiter = limiter
        self.redirector = redirector
        self.logger = logger
        self.group = group
    }

    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        let script = try resolve(request)
        let input = try await prepareInput(for: request)
        defer { input.close() }
        let waits = { logger.debug("waiting for a script slot", metadata: ["script": "\(script.filePath)", "running": "\(limiter.running)"]) }
        guard await limiter.acquire(script.filePath, perScriptLimit: mount.maxConcurrentPerScript, timeout: mount.queueTimeout, onWait: waits) else {
            throw HTTPError(.serviceUnavailable, "no free script slot for \(script.filePath) within the queue timeout", headers: [("Retry-After", "1")])
        }
        defer { limiter.release(script.filePath) }
        let process: ScriptProcess
        do {
            process = try await ScriptProcess.start(spawnRequest(script, request: request, input: input), group: group)
        } catch {
            throw HTTPError(.internalServerError, "cannot start \(script.filePath): \(error)")
        }
        let run = ScriptRun(process: process, script: script, request: request, mount: mount, redirector: redirector, logger: logger)
        try await run.run(input: input, writer: writer)
    }

    private func resolve(_ request: Request) throws -> CGIScript {
        let relative = request.rawPath.dropFirst(mount.urlPath.count).drop { $0 == "/" }
        switch resolver.resolve(relative) {
        case .script(let script): return script
        case .notFound: throw HTTPError(.notFound, "no script at \(request.rawPath)")
        case .forbidden(let reason): throw HTTPError(.forbidden, reason)
        case .rejected(let reason): throw HTTPError(.badRequest, "\(reason): \(request.rawPath)")
        }
    }

    /// RFC 3875 §4.2: the script gets CONTENT_LENGTH bytes; a chunked body
    /// is de-chunked first (or refused with 411 where the mount says so).
    private func prepareInput(for request: Request) async throws -> ScriptInput {
        request.body.limit(to: mount.maxBodyBytes)
        if request.isChunked {
            guard mount.chunkedBodies == .dechunk else { throw HTTPError(.lengthRequired, "chunked request body refused by this mount") }
            return try await BodySpool.collect(request.body, threshold: mount.spoolThreshold, limit: mount.maxBodyBytes)
        }
        guard let length = request.contentLength else { return .none }
        guard length <= mount.maxBodyBytes else { throw HTTPError(.payloadTooLarge, "Content-Length \(length) over \(mount.maxBodyBytes)") }
        return .stream(request.body, length: length)
    }

    private func spawnRequest(_ script: CGIScript, request: Request, input: ScriptInput) -> SpawnRequest {
        var extra: [(name: String, value: String)] = []
        // php-cgi refuses to run unless REDIRECT_STATUS says a server sent it
        // (its force_redirect guard); Apache's Action sets it the same way.
        if script.interpreter != nil { extra.append(("REDIRECT_STATUS", "200")) }
        let environment = CGIEnvironmentBuilder.build(
            request: CGIRequestMapping.head(request), script: script,
            body: input.length.map { .exactly($0) } ?? .none,
            connection: CGIRequestMapping.connection(request), server: server,
            policy: CGIEnvironmentPolicy(passAuthorization: mount.passAuthorization, baseVariables: mount.environment),
            extra: extra
        )
        var arguments = script.interpreter.map { [$0, script.filePath] } ?? [script.filePath]
        if mount.commandLineWords {
            arguments += CGICommandLine.searchWords(method: request.head.method.rawValue, queryString: CGIRequestMapping.head(request).queryString)
        }
        return SpawnRequest(
            executable: script.interpreter ?? script.filePath, arguments: arguments, environment: environment,
            workingDirectory: script.directory, stdinFile: input.stdinFile
        )
    }
}

/// The HTTP request as the RFC 3875 model sees it.
enum CGIRequestMapping {
    static func head(_ request: Request) -> CGIRequestHead {
        let version = request.head.version
        return CGIRequestHead(
            method: request.head.method.rawValue, target: request.head.uri,
            httpVersion: "HTTP/\(version.major).\(version.minor)",
            headers: request.head.headers.map { ($0.name, $0.value) }
        )
    }

    static func connection(_ request: Request) -> CGIConnection {
        let info = request.connection
        return CGIConnection(
            remoteAddress: info.remoteAddress, remotePort: info.remotePort,
            localAddress: info.localAddress, localPort: info.localPort, scheme: info.scheme
        )
    }
}
