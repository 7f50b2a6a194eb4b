/// The check every level of Basic authentication shares (RFC 7617): a
/// mount (`BasicAuthentication`), a published object, a published function.
/// It decides; the caller answers in its own vocabulary (an `HTTPError` for
/// a mount, a `HearthResponse` for the publisher), so the rules, the
/// messages logged and the challenge are written once.
public struct BasicAuthenticator: Sendable {
    /// Shown by browsers in the login dialog (RFC 7617 §2).
    public let realm: String
    public let verifier: PasswordVerifier
    /// Who, once the password is right, may in; refused users get 403.
    public let access: AccessRule

    public init(realm: String = "Restricted", verifier: PasswordVerifier, access: AccessRule = .anyUser) {
        self.realm = realm
        self.verifier = verifier
        self.access = access
    }

    /// What the check decided. The messages are log lines: they name the
    /// user-id tried and the realm, never the password.
    public enum Outcome: Sendable, Equatable {
        /// The password is right and the access rule lets the user in.
        case allowed(user: String)
        /// 401 with the challenge: no credentials, malformed ones, an
        /// unknown user or a wrong password — the client may try again.
        case challenge(message: String)
        /// 403: the password is right but the access rule refuses the user;
        /// asking again would not help.
        case forbidden(user: String, message: String)
    }

    /// Checks the values of every `Authorization` field of a request: more
    /// than one is malformed (RFC 9110 §11.6.2 defines a single value).
    public func check(authorization fields: [String]) async throws -> Outcome {
        guard let field = fields.first else { return .challenge(message: "no credentials in realm \(quotedRealm)") }
        guard fields.count == 1, let credentials = BasicCredentials(authorization: field) else {
            return .challenge(message: "malformed or non-Basic credentials in realm \(quotedRealm)")
        }
        guard try await verifier.verify(user: credentials.user, password: credentials.password) else {
            return .challenge(message: "authentication failed for user \"\(credentials.user)\" in realm \(quotedRealm)")
        }
        guard try await access.allows(credentials.user) else {
            let message = "user \"\(credentials.user)\" is not allowed in realm \(quotedRealm) by its access rule"
            return .forbidden(user: credentials.user, message: message)
        }
        return .allowed(user: credentials.user)
    }

    /// The `WWW-Authenticate` value of a 401 from this realm.
    public var challenge: String { BasicAuthentication.challengeValue(realm: realm) }

    private var quotedRealm: String { "\"\(realm)\"" }
}
