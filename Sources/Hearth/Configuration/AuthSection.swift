import HearthAuth

/// The `auth:` mapping of a `cgi`, `fastcgi` or `static` item: Basic
/// authentication for that mount (docs/authentication.md). Hash formats and
/// the shape are checked here, with key paths; files are read when the site
/// is built.
enum AuthSection {
    /// A mount's settings together with its optional `auth:`.
    struct Protected<Mount> {
        var mount: Mount
        var auth: BasicAuthConfiguration?
    }

    /// A section's keys, plus `auth`.
    static func keys<Mount>(_ keys: [ConfigurationKey<Mount>]) -> [ConfigurationKey<Protected<Mount>>] {
        keys.map { key in .init(key.name) { try key.store(&$0.mount, $1) } } + [.init("auth") { $0.auth = try read($1) }]
    }

    /// What `auth:` holds before it is checked as a whole.
    struct Draft {
        var realm = "Restricted"
        var htpasswd: String?
        var users: [String: HtpasswdHash]?
        var require: [String] = []
        var groupsFile: String?
        var requireGroup: [String] = []
    }

    static let draftKeys: [ConfigurationKey<Draft>] = [
        .init("realm") { $0.realm = try realm($1) },
        .init("htpasswd") { $0.htpasswd = try $1.path() },
        .init("users") { $0.users = try users($1) },
        .init("require") { $0.require = try names($1) },
        .init("groups_file") { $0.groupsFile = try $1.path() },
        .init("require_group") { $0.requireGroup = try names($1) },
    ]

    static func read(_ node: ConfigurationNode) throws -> BasicAuthConfiguration {
        let draft = try node.read(Draft(), keys: draftKeys)
        var configuration: BasicAuthConfiguration
        switch (draft.htpasswd, draft.users) {
        case (let path?, nil): configuration = BasicAuthConfiguration(realm: draft.realm, passwords: .htpasswd(path: path))
        case (nil, let users?): configuration = BasicAuthConfiguration(realm: draft.realm, passwords: .users(users))
        case (nil, nil): throw node.error("needs htpasswd (an Apache password file) or users (names and their hashes)")
        case (.some, .some): throw node.error("has both htpasswd and users; choose one")
        }
        if !draft.requireGroup.isEmpty, draft.groupsFile == nil { throw node.error("require_group needs groups_file") }
        if draft.requireGroup.isEmpty, draft.groupsFile != nil { throw node.error("groups_file is used only with require_group") }
        configuration.requireUsers = draft.require
        configuration.groupsFile = draft.groupsFile
        configuration.requireGroups = draft.requireGroup
        return configuration
    }

    /// RFC 7617 §2: a quoted-string; control characters could not be sent.
    private static func realm(_ node: ConfigurationNode) throws -> String {
        let text = try node.text(expecting: "a realm name")
        guard !text.isEmpty, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw node.error("must be non-empty text without control characters")
        }
        return text
    }

    /// `{alice: "$2y$05$…"}`: hashes only, as htpasswd writes them.
    private static func users(_ node: ConfigurationNode) throws -> [String: HtpasswdHash] {
        var users: [String: HtpasswdHash] = [:]
        for entry in try node.entries() {
            guard !entry.name.isEmpty, !entry.name.contains(":") else { throw entry.key.error("a user name must be non-empty, without a colon") }
            guard let hash = HtpasswdHash(try entry.value.text(expecting: "a password hash")) else {
                throw entry.value.error("is not a hash htpasswd writes (bcrypt $2y$, $apr1$, {SHA}, crypt); plain-text passwords are refused")
            }
            users[entry.name] = hash
        }
        guard !users.isEmpty else { throw node.error("needs at least one user") }
        return users
    }

    private static func names(_ node: ConfigurationNode) throws -> [String] {
        let names = try node.items().map { try $0.text(expecting: "a name") }
        guard !names.isEmpty else { throw node.error("needs at least one name") }
        return names
    }
}
