import HearthHTTP
import Logging

/// The Basic authentication of one mount, as the config file's `auth:`
/// says it (docs/authentication.md), or as Swift code builds it.
public struct BasicAuthConfiguration: Sendable {
    /// Where passwords are checked.
    public enum Passwords: Sendable {
        /// An Apache htpasswd file (`htpasswd:`), read again when it changes.
        case htpasswd(path: String)
        /// Users and their hashes (`users:`); hashes only, never plain text.
        case users([String: HtpasswdHash])
        /// A Swift closure.
        case verifier(PasswordVerifier)
    }

    /// Shown by browsers in the login dialog. Default `"Restricted"`.
    public var realm: String
    public var passwords: Passwords
    /// `require:` user names allowed in; empty with no groups means any user
    /// whose password is right. Default empty.
    public var requireUsers: [String] = []
    /// `groups_file:` an Apache group file. Default none.
    public var groupsFile: String? = nil
    /// `require_group:` groups allowed in (needs `groupsFile`). Default empty.
    public var requireGroups: [String] = []
    /// A Swift access rule; replaces the lists when set. Default nil.
    public var access: AccessRule? = nil

    public init(realm: String = "Restricted", passwords: Passwords) {
        self.realm = realm
        self.passwords = passwords
    }

    /// A setting that cannot work, named by its key under `auth`.
    public struct Invalid: Error, CustomStringConvertible {
        public var key: String
        public var message: String
        public var description: String { "\(key): \(message)" }
    }

    /// Checks the files and users once, at start-up, and wraps `responder`.
    public func protect(_ responder: any Responder, logger: Logger) throws(Invalid) -> BasicAuthentication {
        BasicAuthentication(realm: realm, verifier: try verifier(logger: logger), access: try accessRule(), protecting: responder)
    }

    /// The same settings as the check a published object or function uses
    /// (docs/publisher.md), with the files read once, now.
    public func authenticator(logger: Logger) throws(Invalid) -> BasicAuthenticator {
        BasicAuthenticator(realm: realm, verifier: try verifier(logger: logger), access: try accessRule())
    }

    func verifier(logger: Logger) throws(Invalid) -> PasswordVerifier {
        switch passwords {
        case .htpasswd(let path):
            do {
                return .htpasswd(try HtpasswdFile(path: path, logger: logger))
            } catch {
                throw Invalid(key: "htpasswd", message: "\(error)")
            }
        case .users(let users):
            guard !users.isEmpty else { throw Invalid(key: "users", message: "needs at least one user") }
            return .users(users)
        case .verifier(let verifier):
            return verifier
        }
    }

    func accessRule() throws(Invalid) -> AccessRule {
        if let access { return access }
        var rules: [AccessRule] = []
        if !requireUsers.isEmpty { rules.append(.users(Set(requireUsers))) }
        if !requireGroups.isEmpty {
            guard let groupsFile else { throw Invalid(key: "require_group", message: "needs groups_file") }
            do {
                rules.append(.groups(Set(requireGroups), file: try GroupsFile(path: groupsFile)))
            } catch {
                throw Invalid(key: "groups_file", message: "\(error)")
            }
        } else if groupsFile != nil {
            throw Invalid(key: "groups_file", message: "is used only with require_group")
        }
        return rules.isEmpty ? .anyUser : .any(rules)
    }
}
