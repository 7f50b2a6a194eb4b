#if canImport(Glibc)
import Glibc
#endif
import CHearthSpawn

/// Giving up root for good (Apache's `User`/`Group`): a server started as
/// root binds its port and opens its logs, then becomes `user` — its
/// supplementary groups (initgroups), its group, its uid, in that order —
/// before it accepts a connection or starts a script or worker. The real,
/// effective and saved ids all change, so root cannot be taken back; that
/// is checked, not assumed, in every thread: the kernel keeps ids per
/// thread and glibc changes them all by a signal, which a thread with every
/// signal blocked never takes (dispatch_main's main thread: `hearth` keeps
/// its main thread out of it, main.swift).
public enum Privileges {
    /// Who the process now is.
    public struct Identity: Sendable, Equatable {
        public var user: String
        public var uid: uid_t
        public var gid: gid_t
    }

    /// Why the process cannot run as the asked-for account.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// Becomes `user` (with `group`, else the user's own group). Started as
    /// `user` already, nothing changes; started as anyone else but root,
    /// it is refused: only root can change who a process is.
    public static func drop(to user: String, group: String? = nil) throws(Refusal) -> Identity {
        guard let account = lookUpUser(user) else { throw Refusal(description: "no user named \(user.debugDescription)") }
        var gid = account.gid
        if let group {
            guard let named = lookUpGroup(group) else { throw Refusal(description: "no group named \(group.debugDescription)") }
            gid = named
        }
        let identity = Identity(user: user, uid: account.uid, gid: gid)
        if getuid() != 0 || geteuid() != 0 {
            guard getuid() == account.uid, geteuid() == account.uid, getegid() == gid else {
                throw Refusal(description: "cannot become \(user): started as uid \(getuid()), not as root, and only root can change who a process is")
            }
            return identity
        }
        guard initgroups(user, gid) == 0 else { throw Refusal(description: "initgroups(\(user)): \(String(cString: strerror(errno)))") }
        guard hearth_setresgid(gid) == 0 else { throw Refusal(description: "setresgid(\(gid)): \(String(cString: strerror(errno)))") }
        guard hearth_setresuid(account.uid) == 0 else { throw Refusal(description: "setresuid(\(account.uid)): \(String(cString: strerror(errno)))") }
        // The proof: root, once left, stays left, in every thread (the
        // kernel keeps ids per thread; glibc changes them all).
        guard account.uid == 0 || (setuid(0) != 0 && seteuid(0) != 0) else { throw Refusal(description: "root could be taken back after becoming \(user)") }
        if let thread = threadWithOtherIds(uid: account.uid, gid: gid) {
            throw Refusal(description: "thread \(thread) of this process kept other ids after becoming \(user)")
        }
        return identity
    }

    /// The first thread of this process whose real, effective or saved uid
    /// or gid is not the given one, from /proc/self/task.
    static func threadWithOtherIds(uid: uid_t, gid: gid_t) -> String? {
        guard let tasks = opendir("/proc/self/task") else { return nil }
        defer { closedir(tasks) }
        while let entry = readdir(tasks) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.first?.isNumber == true, let status = readText("/proc/self/task/\(name)/status") else { continue }
            for line in status.split(separator: "\n") where line.hasPrefix("Uid:") || line.hasPrefix("Gid:") {
                let expected = line.hasPrefix("Uid:") ? UInt32(uid) : UInt32(gid)
                let ids = line.dropFirst(4).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) }
                if ids.count != 4 || ids.contains(where: { $0 != expected }) { return name }
            }
        }
        return nil
    }

    private static func readText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }

    /// True when the process runs as root (and so would its scripts).
    public static var isRoot: Bool { geteuid() == 0 }

    /// passwd(5)'s entry for `name`: its ids and home directory.
    package static func lookUpUser(_ name: String) -> (uid: uid_t, gid: gid_t, home: String)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return (entry.pw_uid, entry.pw_gid, entry.pw_dir.map { String(cString: $0) } ?? "/")
    }

    package static func lookUpGroup(_ name: String) -> gid_t? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}
