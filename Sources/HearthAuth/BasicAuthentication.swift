import HearthHTTP
import NIOHTTP1

/// Protects any responder with Basic authentication (RFC 7617): a mount of
/// CGI scripts, a FastCGI application, static files, a Swift handler.
///
/// No credentials, malformed ones or a wrong password: 401 with
/// `WWW-Authenticate: Basic realm="…", charset="UTF-8"` (§2, §2.1), and a
/// notice log line naming the user-id tried and the remote address, never
/// the password. Right password but refused by the access rule: 403. Let
/// in: the wrapped responder sees `Request.authenticatedUser`, which
/// becomes AUTH_TYPE and REMOTE_USER (RFC 3875 §4.1.1, §4.1.11) and keeps
/// `Authorization` from scripts (§4.1.18); the access log's user field
/// shows the user.
public struct BasicAuthentication: ExplainingResponder {
    public var realm: String { authenticator.realm }
    let authenticator: BasicAuthenticator
    let next: any Responder

    public init(realm: String, verifier: PasswordVerifier, access: AccessRule = .anyUser, protecting next: any Responder) {
        self.authenticator = BasicAuthenticator(realm: realm, verifier: verifier, access: access)
        self.next = next
    }

    /// The messages become the connection's notice lines, with the request
    /// and remote address beside them (HTTPConnection logs every HTTPError).
    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        switch try await authenticator.check(authorization: request.head.headers["authorization"]) {
        case .challenge(let message):
            throw HTTPError(.unauthorized, message, headers: [("WWW-Authenticate", authenticator.challenge)])
        case .forbidden(let user, let message):
            writer.recordUser(user)
            throw HTTPError(.forbidden, message)
        case .allowed(let user):
            writer.recordUser(user)
            var request = request
            request.authenticatedUser = AuthenticatedUser(user: user, type: "Basic")
            try await next.respond(to: request, writer: writer)
        }
    }

    /// What the protected responder would do once a user is let in; no
    /// credentials are checked here. Without them the answer is 401.
    public func explain(_ request: Request) throws -> Explanation {
        let note = "behind Basic authentication (realm \"\(realm)\"): 401 without credentials; once let in, AUTH_TYPE and REMOTE_USER are set and Authorization withheld"
        guard let next = next as? any ExplainingResponder else { return Explanation(handler: "a responder", notes: [note]) }
        var explanation = try next.explain(request)
        explanation.notes.insert(note, at: 0)
        return explanation
    }

    /// RFC 7617 §2: the realm as a quoted-string (RFC 9110 §5.6.4, `\` and
    /// `"` escaped); §2.1: `charset="UTF-8"`, the only charset allowed.
    public static func challengeValue(realm: String) -> String {
        let quoted = realm.flatMap { $0 == "\\" || $0 == "\"" ? ["\\", $0] : [$0] }.map(String.init).joined()
        return "Basic realm=\"\(quoted)\", charset=\"UTF-8\""
    }
}
