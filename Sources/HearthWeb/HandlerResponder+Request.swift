import HTTPTypes
import HearthCGI
import HearthHTTP
import NIOCore
import NIOHTTP1

extension HandlerResponder {
    /// The request as a handler sees it. PATH_INFO is the rest of the path
    /// below the mount, read as every mount reads it (`Request.path`:
    /// decoded once, RFC 3875 §4.1.5); a path that does not read is
    /// refused as the cold resolver refuses it.
    func makeRequest(_ request: Request) throws -> HearthRequest {
        let path = try request.path
        guard let rest = path.below(mountPath) else { throw HTTPError(.notFound, "outside the mount \(scriptName)/") }
        let pathInfo = RequestPath.pathInfo(rest, trailingSlash: path.trailingSlash)
        guard let method = HTTPRequest.Method(request.head.method.rawValue) else {
            throw HTTPError(.badRequest, "method \(request.head.method.rawValue)")
        }
        return HearthRequest(
            method: method, target: request.head.uri, headerFields: Self.fields(request.head.headers),
            body: Self.body(request.body), variables: variables(request, pathInfo: pathInfo)
        )
    }

    /// The request's meta-variables, built only if the handler reads them
    /// (`CGIMetaVariables`), by the one builder every temperature shares.
    /// The accessors' four are known without building: the builder sets
    /// each of them from the same value, after the policy's base variables.
    private func variables(_ request: Request, pathInfo: String) -> CGIMetaVariables {
        // REMOTE_USER and AUTH_TYPE (§4.1.11, §4.1.1) in the handler's
        // variables when a mount's authentication let the request in.
        let authentication = request.authenticatedUser.map { CGIAuthentication(type: $0.type, user: $0.user) }
        var known: [CGIMetaVariables.Pair] = [("SCRIPT_NAME", scriptName), ("REMOTE_ADDR", request.connection.remoteAddress)]
        if !pathInfo.isEmpty { known.append(("PATH_INFO", pathInfo)) }  // §4.1.5: absent when empty
        if let authentication { known.append(("REMOTE_USER", authentication.user)) }
        let body = request.contentLength.map { CGIBodyLength.exactly($0) } ?? .none
        let (scriptName, server, policy) = (scriptName, server, policy)
        return CGIMetaVariables(known: known) {
            CGIEnvironmentBuilder.build(
                request: request.cgiHead, script: CGIScript(scriptName: scriptName, pathInfo: pathInfo, filePath: ""),
                body: body, connection: request.connection.cgiConnection, server: server, policy: policy, authentication: authentication
            )
        }
    }

    /// HTTPHeaders → HTTPFields; HearthHTTP's parser already refused names
    /// that are not tokens, so none is lost here.
    static func fields(_ headers: HTTPHeaders) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return fields
    }

    /// The transport's single-pass body, pulled by the handler as it reads.
    static func body(_ body: RequestBody) -> HearthRequestBody {
        let reader = BodyReader(body.makeAsyncIterator())
        return HearthRequestBody { try await reader.next() }
    }
}

/// Holds the transport body's iterator for `HearthRequestBody`'s closure.
/// `@unchecked Sendable`: a body is read once, by one reader at a time (the
/// handler's task), as `RequestBody` itself assumes.
final class BodyReader: @unchecked Sendable {
    private var iterator: RequestBody.AsyncIterator

    init(_ iterator: RequestBody.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> ByteBuffer? { try await iterator.next() }
}
