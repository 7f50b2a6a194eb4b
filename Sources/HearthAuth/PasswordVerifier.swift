/// Decides whether a user-id and password are right. Three kinds: an
/// htpasswd file, a fixed table of hashes (the config's `users:`), or any
/// Swift closure (a database, a directory service).
public struct PasswordVerifier: Sendable {
    private let check: @Sendable (_ user: String, _ password: String) async throws -> Bool

    /// A closure of your own. Compare secrets in constant time in it.
    public init(_ check: @escaping @Sendable (_ user: String, _ password: String) async throws -> Bool) {
        self.check = check
    }

    /// True when the password is right. A throw (an unreadable htpasswd
    /// file) is a server error, not a wrong password.
    public func verify(user: String, password: String) async throws -> Bool {
        try await check(user, password)
    }

    /// The users of an htpasswd file, as it is at each request.
    public static func htpasswd(_ file: HtpasswdFile) -> PasswordVerifier {
        PasswordVerifier { user, password in await lookUp(user, password, in: try file.users()) }
    }

    /// A fixed table of users and their hashes.
    public static func users(_ hashes: [String: HtpasswdHash]) -> PasswordVerifier {
        PasswordVerifier { user, password in await lookUp(user, password, in: hashes) }
    }

    /// An unknown user costs the same hash as a known one (the table's
    /// first, in a fixed order), so the time of a refusal does not tell
    /// which user-ids exist.
    static func lookUp(_ user: String, _ password: String, in table: [String: HtpasswdHash]) async -> Bool {
        await lookUp(user, password, in: table) { hash, password in await hash.verify(password) }
    }

    /// The same over any hashes and check, so that a test can see which
    /// hash was checked: a hash's cost shows in nothing but time.
    static func lookUp<Hash>(_ user: String, _ password: String, in table: [String: Hash], verify: (Hash, String) async -> Bool) async -> Bool {
        if let hash = table[user] { return await verify(hash, password) }
        if let decoy = table.min(by: { $0.key < $1.key })?.value { _ = await verify(decoy, password) }
        return false
    }
}

/// Who, once authenticated, may in: Apache's `Require valid-user`,
/// `Require user …`, `Require group …`, or a closure of your own. A user
/// who is refused gets 403, not 401: asking again would not help.
public struct AccessRule: Sendable {
    private let allows: @Sendable (_ user: String) async throws -> Bool

    public init(_ allows: @escaping @Sendable (_ user: String) async throws -> Bool) {
        self.allows = allows
    }

    public func allows(_ user: String) async throws -> Bool { try await allows(user) }

    /// Any user whose password is right (`Require valid-user`).
    public static let anyUser = AccessRule { _ in true }

    /// `Require user a b`.
    public static func users(_ names: Set<String>) -> AccessRule {
        AccessRule { names.contains($0) }
    }

    /// `Require group admins`, with the groups of an `AuthGroupFile`.
    public static func groups(_ names: Set<String>, file: GroupsFile) -> AccessRule {
        AccessRule { !names.isDisjoint(with: try file.groups(of: $0)) }
    }

    /// Allowed when any of `rules` allows (Apache's implicit `RequireAny`).
    public static func any(_ rules: [AccessRule]) -> AccessRule {
        AccessRule { user in
            for rule in rules where try await rule.allows(user) { return true }
            return false
        }
    }
}
