import Logging

/// An Apache `htpasswd` file, used as it is: `user:hash` lines, blank lines
/// and `#` comments ignored. Read again when it changes. An entry whose
/// hash is not one of the formats `HtpasswdHash` verifies (plain text, say)
/// is refused with a log line as the file is read: it can never match.
public final class HtpasswdFile: Sendable {
    public var path: String { file.path }
    private let file: WatchedFile<[String: HtpasswdHash]>

    /// Reads the file once, so that a missing file or one without a usable
    /// user stops the start-up rather than the first request.
    public init(path: String, logger: Logger) throws {
        file = WatchedFile(path: path) { Self.parse($0, path: path, logger: logger) }
        let users = try file.current()
        guard !users.isEmpty else { throw WatchedFile<Int>.Unreadable(path: path, reason: "holds no user with a supported hash") }
    }

    /// The users and their hashes as the file is now.
    public func users() throws -> [String: HtpasswdHash] { try file.current() }

    /// As Apache's mod_authn_file reads it: the name up to the first colon,
    /// the hash up to the next (later fields are ignored); the first entry
    /// for a name wins.
    static func parse(_ text: String, path: String, logger: Logger) -> [String: HtpasswdHash] {
        var users: [String: HtpasswdHash] = [:]
        for line in dataLines(text) {
            let fields = line.text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2, !fields[0].isEmpty else {
                logger.warning("htpasswd line without user:hash ignored", metadata: ["file": "\(path)", "line": "\(line.number)"])
                continue
            }
            let user = String(fields[0])
            guard let hash = HtpasswdHash(String(fields[1])) else {
                logger.warning("htpasswd entry refused: not a supported hash (bcrypt, $apr1$, {SHA}, crypt); plain text is never compared", metadata: [
                    "file": "\(path)", "line": "\(line.number)", "user": "\(user)",
                ])
                continue
            }
            if users[user] == nil { users[user] = hash }
        }
        return users
    }
}

/// An Apache group file (`AuthGroupFile`): `group: user1 user2` lines.
/// Read again when it changes.
public final class GroupsFile: Sendable {
    public var path: String { file.path }
    private let file: WatchedFile<[String: Set<String>]>

    public init(path: String) throws {
        file = WatchedFile(path: path, parse: Self.parse)
        _ = try file.current()
    }

    /// The groups `user` belongs to, as the file is now.
    public func groups(of user: String) throws -> Set<String> {
        Set(try file.current().filter { $0.value.contains(user) }.keys)
    }

    static func parse(_ text: String) -> [String: Set<String>] {
        var groups: [String: Set<String>] = [:]
        for line in dataLines(text) {
            guard let colon = line.text.firstIndex(of: ":") else { continue }
            let name = line.text[..<colon].trimmingBlanks()
            guard !name.isEmpty else { continue }
            let members = line.text[line.text.index(after: colon)...].split { $0 == " " || $0 == "\t" }.map(String.init)
            groups[String(name), default: []].formUnion(members)
        }
        return groups
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (RFC 9110 §5.6.3 OWS).
    func trimmingBlanks() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
