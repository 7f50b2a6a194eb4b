import HTTPTypes
import HearthCGI
import HearthHTTP
import HearthRelay
import Logging
import NIOCore
import NIOHTTP1

/// A Swift handler mounted in-process (hot): each HTTP request becomes a
/// `HearthRequest` with the meta-variables a cold script at the same mount
/// would get (one builder, `CGIEnvironmentBuilder`), and the handler's
/// `HearthResponse` is written back, in memory or streamed.
public struct HandlerResponder: ExplainingResponder {
    public let handler: any HearthHandler
    /// The mount prefix: SCRIPT_NAME (RFC 3875 §4.1.13); "" for the root.
    public let scriptName: String
    /// The mount as request paths are read (`RequestPath`).
    let mountPath: RequestPath
    public let server: CGIServer
    public let policy: CGIEnvironmentPolicy
    /// Most request-body bytes read, as for a CGI mount. Default 16 MiB.
    public let maxBodyBytes: Int
    let logger: Logger
    /// Sends the file a handler names with `X-Sendfile` or
    /// `X-Accel-Redirect`, from the mount's `sendfileRoots` only
    /// (SiteBuilder); nil: such a field is a 502, as for a script.
    package var sendfile: (any ScriptFileSender)? = nil

    public init(
        handler: any HearthHandler, mountedAt prefix: String, server: CGIServer,
        policy: CGIEnvironmentPolicy = CGIEnvironmentPolicy(), maxBodyBytes: Int = 16 * 1024 * 1024, logger: Logger
    ) {
        self.handler = handler
        self.scriptName = prefix == "/" ? "" : String(prefix.reversed().drop { $0 == "/" }.reversed())
        self.mountPath = RequestPath.mount(prefix)
        self.server = server
        self.policy = policy
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        request.body.limit(to: maxBodyBytes)
        let hearthRequest = try makeRequest(request)
        let (response, failure) = await handler.respondMappingErrors(to: hearthRequest)
        if let failure {
            // A client's error (a body over the limit, a missing page) is no
            // fault of the server's: `error` is kept for a handler's own failure.
            let serverFault = response.status.code >= 500
            logger.log(level: serverFault ? .error : .info, "\(serverFault ? failure : "handler refused the request: \(failure)")", metadata: [
                "mount": "\(scriptName.isEmpty ? "/" : scriptName)", "request": "\(request.requestLine)", "status": "\(response.status.code)",
            ])
        }
        if let target = ScriptFileTarget(HTTPHeaders(response.headerFields.map { ($0.name.rawName, $0.value) })) {
            return try await sendFile(target, response: response, request: request, writer: writer)
        }
        try await write(response, to: writer)
    }

    /// The file goes out with the static rules instead of the handler's
    /// body, as for a cold or warm script (HearthRelay), and the naming
    /// field never reaches the client.
    private func sendFile(_ target: ScriptFileTarget, response: HearthResponse, request: Request, writer: consuming ResponseWriter) async throws {
        let mount = scriptName.isEmpty ? "/" : scriptName
        guard let sendfile else {
            logger.error("handler named a file to send; its mount has no sendfile roots", metadata: ["mount": "\(mount)", "field": "\(target)"])
            throw HTTPError(.badGateway, "\(mount): \(target) on a mount without sendfile roots")
        }
        let headers = HTTPHeaders(response.headerFields.map { ($0.name.rawName, $0.value) })
        try await sendfile.send(target, request: request, headers: ScriptFileTarget.otherFields(of: headers), label: "handler at \(mount)", writer: writer)
    }

    /// A hot handler runs in-process: its type, and the SCRIPT_NAME and
    /// PATH_INFO it would read.
    public func explain(_ request: Request) throws -> Explanation {
        let path = try request.path
        guard let rest = path.below(mountPath) else { throw HTTPError(.notFound, "outside the mount \(scriptName)/") }
        let pathInfo = RequestPath.pathInfo(rest, trailingSlash: path.trailingSlash)
        return Explanation(
            handler: "Swift handler \(type(of: handler)), in-process (hot)",
            notes: ["SCRIPT_NAME=\(scriptName)"] + (pathInfo.isEmpty ? [] : ["PATH_INFO=\(pathInfo)"])
        )
    }

    /// Bytes: one write with Content-Length. Stream: chunked (or until
    /// close for HTTP/1.0), written as the handler produces it.
    private func write(_ response: HearthResponse, to writer: consuming ResponseWriter) async throws {
        let status = HTTPResponseStatus(statusCode: response.status.code, reasonPhrase: response.status.reasonPhrase)
        let headers = HTTPHeaders(response.headerFields.map { ($0.name.rawName, $0.value) })
        switch response.body {
        case .bytes(let bytes):
            try await writer.write(status: status, headers: headers, body: bytes)
        case .stream(let produce):
            let body = try await writer.writeHead(status: status, headers: headers)
            do {
                try await produce(HearthBodyWriter { try await body.write($0) })
            } catch {
                // The head is on the wire: all that is left is to cut the
                // body short, which closes the connection.
                logger.error("handler failed while streaming", metadata: ["mount": "\(scriptName)", "error": "\(error)"])
                throw error
            }
            try await body.finish()
        }
    }
}
