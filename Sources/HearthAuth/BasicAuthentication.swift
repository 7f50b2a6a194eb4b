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
public struct BasicAuthentication: Responder {
    public let realm: String
    let verifier: PasswordVerifier
    let access: AccessRule
    let next: any Responder

    public init(realm: String, verifier: PasswordVerifier, access: AccessRule = .anyUser, protecting next: any Responder) {
        self.realm = realm
        self.verifier = verifier
        self.access = access
        self.next = next
    }

    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        let user = try await authenticate(request)
        writer.recordUser(user)
        guard try await access.allows(user) else {
            throw HTTPError(.forbidden, "user \"\(user)\" is not allowed in realm \"\(realm)\" by its access rule")
        }
        var request = request
        request.authenticatedUser = AuthenticatedUser(user: user, type: "Basic")
        try await next.respond(to: request, writer: writer)
    }

    /// The user whose credentials are right, or the 401 challenge thrown.
    /// The message becomes the connection's notice line, with the request
    /// and remote address beside it (HTTPConnection logs every HTTPError).
    func authenticate(_ request: Request) async throws -> String {
        let fields = request.head.headers["authorization"]
        guard let field = fields.first else { throw challenge("no credentials") }
        guard fields.count == 1, let credentials = BasicCredentials(authorization: field) else {
            throw challenge("malformed or non-Basic credentials")
        }
        guard try await verifier.verify(user: credentials.user, password: credentials.password) else {
            throw challenge("authentication failed for user \"\(credentials.user)\"")
        }
        return credentials.user
    }

    func challenge(_ why: String) -> HTTPError {
        HTTPError(.unauthorized, "\(why) in realm \"\(realm)\"", headers: [("WWW-Authenticate", Self.challengeValue(realm: realm))])
    }

    /// RFC 7617 §2: the realm as a quoted-string (RFC 9110 §5.6.4, `\` and
    /// `"` escaped); §2.1: `charset="UTF-8"`, the only charset allowed.
    public static func challengeValue(realm: String) -> String {
        let quoted = realm.flatMap { $0 == "\\" || $0 == "\"" ? ["\\", $0] : [$0] }.map(String.init).joined()
        return "Basic realm=\"\(quoted)\", charset=\"UTF-8\""
    }
}
