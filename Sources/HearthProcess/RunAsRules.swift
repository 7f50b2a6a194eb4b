#if canImport(Glibc)
import Glibc
#endif

/// suEXEC's checks that a client can influence (Apache's suexec.c, "Is the
/// target user/group the same as the owner of the script?" and its
/// neighbours), made by the privileged spawner before it starts anything
/// as another user. Each refusal names its rule: one error-log line, a
/// 500, and the script never started.
public enum RunAsRules {
    public struct Refusal: Error, CustomStringConvertible, Equatable {
        /// A short name for the rule ("script-owner"), for log fields and tests.
        public var rule: String
        public var detail: String
        public var description: String { "run_as refused (\(rule)): \(detail)" }
    }

    /// Whether `executable` (with `script`, the file a client named) may
    /// run under `policy`.
    public static func check(executable: String, script: String?, policy: RunAsPolicy) throws(Refusal) {
        let credentials = policy.account.credentials
        guard credentials.uid != 0, credentials.uid >= policy.minimums.uid else {
            throw Refusal(rule: "min-uid", detail: "uid \(credentials.uid) is below min_uid \(policy.minimums.uid)")
        }
        guard credentials.gid != 0, credentials.gid >= policy.minimums.gid else {
            throw Refusal(rule: "min-gid", detail: "gid \(credentials.gid) is below min_gid \(policy.minimums.gid)")
        }
        switch policy.programs {
        case .command(let command):
            guard executable == command, script == nil || script == command else {
                throw Refusal(rule: "program", detail: "\(executable) is not the pool's command \(command)")
            }
        case .scripts(let directory, let interpreters):
            guard let script else { throw Refusal(rule: "program", detail: "no script named for \(executable)") }
            guard executable == script || interpreters.contains(executable) else {
                throw Refusal(rule: "program", detail: "\(executable) is neither \(script) nor one of the mount's interpreters")
            }
            try checkScript(script, inside: directory, credentials: credentials)
        }
    }

    /// The script, its symlinks resolved, inside the mount's directory; it
    /// and its directory owned by the target user and group, writable by
    /// neither group nor others; the script a regular file without setuid
    /// or setgid bits.
    static func checkScript(_ script: String, inside directory: String, credentials: SpawnCredentials) throws(Refusal) {
        guard let resolved = realPath(script), let root = realPath(directory) else {
            throw Refusal(rule: "missing", detail: "\(script) cannot be resolved")
        }
        guard resolved.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw Refusal(rule: "outside", detail: "\(script) resolves to \(resolved), outside \(root)")
        }
        let file = try status(of: resolved)
        guard file.st_mode & S_IFMT == S_IFREG else { throw Refusal(rule: "not-a-file", detail: "\(resolved) is not a regular file") }
        try checkOwner(file, of: resolved, credentials: credentials, rule: "script-owner")
        guard file.st_mode & (S_IWGRP | S_IWOTH) == 0 else {
            throw Refusal(rule: "script-writable", detail: "\(resolved) is writable by group or others (mode \(octal(file.st_mode)))")
        }
        guard file.st_mode & (S_ISUID | S_ISGID) == 0 else {
            throw Refusal(rule: "setid", detail: "\(resolved) has a setuid or setgid bit (mode \(octal(file.st_mode)))")
        }
        let parent = String(resolved[..<resolved.lastIndex(of: "/")!]).nonEmpty ?? "/"
        let folder = try status(of: parent)
        try checkOwner(folder, of: parent, credentials: credentials, rule: "directory-owner")
        guard folder.st_mode & (S_IWGRP | S_IWOTH) == 0 else {
            throw Refusal(rule: "directory-writable", detail: "\(parent) is writable by group or others (mode \(octal(folder.st_mode)))")
        }
    }

    private static func checkOwner(_ file: stat, of path: String, credentials: SpawnCredentials, rule: String) throws(Refusal) {
        guard file.st_uid == credentials.uid, file.st_gid == credentials.gid else {
            throw Refusal(rule: rule, detail: "\(path) is owned by \(file.st_uid):\(file.st_gid), not the target \(credentials.uid):\(credentials.gid)")
        }
    }

    private static func status(of path: String) throws(Refusal) -> stat {
        var file = stat()
        guard stat(path, &file) == 0 else { throw Refusal(rule: "missing", detail: "\(path): \(String(cString: strerror(errno)))") }
        return file
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func octal(_ mode: mode_t) -> String { "0" + String(mode & 0o7777, radix: 8) }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
