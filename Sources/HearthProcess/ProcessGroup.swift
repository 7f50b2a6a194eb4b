#if canImport(Glibc)
import Glibc
#endif

/// The members of a script's process group, from /proc: Linux has no call
/// that lists a group. Used only while a stopped script is unreaped, to
/// learn whether anything it started is still running.
public enum ProcessGroup {
    /// Sends `signal` to the process group `leader` leads. A group of a
    /// `run_as` user is not this process's to signal (kill(2) wants the
    /// same uid): the privileged spawner that started it sends it.
    public static func signal(_ leader: pid_t, _ signal: Int32) {
        guard kill(-leader, signal) != 0, errno == EPERM, let spawner = PrivilegedSpawner.current else { return }
        spawner.signal(group: leader, signal)
    }

    /// Whether a live process (not a zombie) other than `leader` belongs to
    /// the group `leader` leads. True when /proc cannot be read: the caller
    /// then waits out the grace period, as if there were.
    public static func hasMembers(besides leader: pid_t) -> Bool {
        guard let proc = opendir("/proc") else { return true }
        defer { closedir(proc) }
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = pid_t(name), pid != leader, let (state, group) = stateAndGroup(of: pid) else { continue }
            if group == leader && state != UInt8(ascii: "Z") { return true }
        }
        return false
    }

    /// A process's parent and real uid, from /proc/PID/status; nil if it
    /// is gone.
    static func parentAndUid(of pid: pid_t) -> (parent: pid_t, uid: uid_t)? {
        let fd = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        var parent: pid_t?, uid: uid_t?
        for line in buffer[..<count].split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }).map { String(decoding: $0, as: UTF8.self) }
            if fields.first == "PPid:", fields.count > 1 { parent = pid_t(fields[1]) }
            if fields.first == "Uid:", fields.count > 1 { uid = uid_t(fields[1]) }
        }
        guard let parent, let uid else { return nil }
        return (parent, uid)
    }

    /// proc(5): /proc/PID/stat is "pid (comm) state ppid pgrp ...", and
    /// comm may hold spaces and parentheses, so fields count from the last ')'.
    private static func stateAndGroup(of pid: pid_t) -> (state: UInt8, group: pid_t)? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0, let end = buffer[..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(end + 1)..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 2, let state = fields[0].first, let group = pid_t(String(decoding: fields[2], as: UTF8.self)) else { return nil }
        return (state, group)
    }
}
