#if canImport(Glibc)
import Glibc
#endif

/// The account a mount's scripts or a pool's workers run as (`run_as:
/// user[:group]`, suEXEC's `SuexecUserGroup`): its ids and supplementary
/// groups, looked up once at start-up, and its home for `HOME`.
public struct RunAsAccount: Sendable, Equatable {
    public var user: String
    public var credentials: SpawnCredentials
    public var home: String

    public init(user: String, credentials: SpawnCredentials, home: String) {
        self.user = user
        self.credentials = credentials
        self.home = home
    }

    /// Why `run_as` cannot name this account.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// The lowest ids a script may run as (suexec's `AP_UID_MIN` and
    /// `AP_GID_MIN`): the system's own accounts are below them, and root
    /// is never a target.
    public struct Minimums: Sendable, Equatable {
        public var uid: uid_t
        public var gid: gid_t

        public init(uid: uid_t = 1000, gid: gid_t = 1000) {
            self.uid = uid
            self.gid = gid
        }
    }

    /// `user` or `user:group`: the user's own group unless one is named,
    /// the user's supplementary groups (getgrouplist) plus that group.
    public static func look(up text: String, minimums: Minimums) throws(Refusal) -> RunAsAccount {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let user = parts.first, !user.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
            throw Refusal(description: "expected user or user:group, found \(text.debugDescription)")
        }
        guard let entry = Privileges.lookUpUser(user) else { throw Refusal(description: "no user named \(user.debugDescription)") }
        var gid = entry.gid
        if parts.count == 2 {
            guard let named = Privileges.lookUpGroup(parts[1]) else { throw Refusal(description: "no group named \(parts[1].debugDescription)") }
            gid = named
        }
        guard entry.uid != 0, entry.uid >= minimums.uid else {
            throw Refusal(description: "\(user) has uid \(entry.uid), below min_uid \(minimums.uid): scripts never run as root or a system account")
        }
        guard gid != 0, gid >= minimums.gid else {
            throw Refusal(description: "group id \(gid) is below min_gid \(minimums.gid): scripts never run as root's or a system group")
        }
        let groups = supplementaryGroups(of: user, primary: gid)
        return RunAsAccount(user: user, credentials: SpawnCredentials(uid: entry.uid, gid: gid, groups: groups), home: entry.home)
    }

    /// initgroups' list: every group naming the user, and `primary`.
    private static func supplementaryGroups(of user: String, primary: gid_t) -> [gid_t] {
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, primary, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(user, primary, &groups, &count) >= 0 else { return [primary] }
        }
        return Array(groups.prefix(Int(count)))
    }
}

/// What the privileged spawner may start for one mount or pool, fixed at
/// start-up: a compromised server can ask it for nothing else.
public struct RunAsPolicy: Sendable, Equatable {
    /// How the mount's programs are found.
    public enum Programs: Sendable, Equatable {
        /// Scripts a client names, inside `directory` (a `cgi` mount,
        /// `fcgi_scripts`): every suEXEC check applies to the script; a
        /// script with an interpreter runs as that interpreter, which must
        /// be one of `interpreters`.
        case scripts(directory: String, interpreters: [String])
        /// One program the configuration names (a `fastcgi` pool's
        /// `command`): no client chooses it, so only it may be started.
        case command(String)
    }

    /// The mount or pool, for log lines.
    public var label: String
    public var account: RunAsAccount
    public var programs: Programs
    public var minimums: RunAsAccount.Minimums

    public init(label: String, account: RunAsAccount, programs: Programs, minimums: RunAsAccount.Minimums) {
        self.label = label
        self.account = account
        self.programs = programs
        self.minimums = minimums
    }
}
