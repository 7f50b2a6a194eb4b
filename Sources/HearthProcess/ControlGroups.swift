#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The control groups of one site: for each mount or pool whose `limits`
/// cap `memory`, `processes` or `cpu_quota`, a group `hearth-PID/LABEL` under the
/// server's own group, made at start-up (as root, before privileges are
/// dropped: the `cgroup.procs` descriptors are opened then and kept, and
/// the child writes to the inherited descriptor) and removed at shutdown.
/// cgroup v1 (a `memory` and a `pids` hierarchy, as on Debian with the
/// legacy layout) and v2 (one hierarchy; the server's group must be able
/// to delegate the controllers, e.g. systemd's `Delegate=yes`).
public final class ControlGroups: Sendable {
    private let host: ControlGroupHost
    private let suffix: String
    private let made = Mutex<[ControlGroup]>([])
    /// Sites made in this process so far: a second one (tests, a rebuild)
    /// gets labels of its own.
    private static let sites = Atomic<Int>(0)

    public init(host: ControlGroupHost = ControlGroups.currentHost()) {
        self.host = host
        let site = Self.sites.add(1, ordering: .relaxed).newValue
        self.suffix = site == 1 ? "" : ".\(site)"
    }

    /// This process's hierarchies, from /proc/self.
    public static func currentHost() -> ControlGroupHost {
        ControlGroupHost(cgroup: readText("/proc/self/cgroup") ?? "", mountinfo: readText("/proc/self/mountinfo") ?? "")
    }

    /// Makes the group of one mount: `label` names it (`cgi-0`), `limits`
    /// says which caps it holds. A cap that cannot be set is an error
    /// naming its key (`memory`, `processes`), never skipped.
    public func makeGroup(label: String, limits: ProcessLimits) throws -> ControlGroup {
        var caps: [(key: String, controller: String, v1: [(String, String)], v2: [(String, String)])] = []
        if let bytes = limits.memoryBytes {
            // Swap included: memsw (v1) must be at least the memory cap, so
            // it is written after it; without swap accounting it is absent.
            caps.append(("memory", "memory", [("memory.limit_in_bytes", "\(bytes)"), ("memory.memsw.limit_in_bytes?", "\(bytes)")], [("memory.max", "\(bytes)"), ("memory.swap.max?", "0")]))
        }
        if let processes = limits.processes {
            caps.append(("processes", "pids", [("pids.max", "\(processes)")], [("pids.max", "\(processes)")]))
        }
        if let percent = limits.cpuQuotaPercent {
            // CFS bandwidth: `percent` of one CPU's time in every 100 ms
            // period, for the mount's processes together (200 %: two CPUs).
            let period = 100_000, quota = percent * period / 100
            caps.append(("cpu_quota", "cpu", [("cpu.cfs_period_us", "\(period)"), ("cpu.cfs_quota_us", "\(quota)")], [("cpu.max", "\(quota) \(period)")]))
        }
        var directories: [ControlGroup.Directory] = []
        do {
            for cap in caps {
                let location = try locate(cap.controller, key: cap.key)
                let directory = try makeDirectory(under: location, label: label, controller: cap.controller, key: cap.key)
                for (file, value) in location.version == .v1 ? cap.v1 : cap.v2 {
                    let optional = file.hasSuffix("?")
                    let name = optional ? String(file.dropLast()) : file
                    let result = Self.write(value, to: directory + "/" + name)
                    if result != 0, !(optional && result == ENOENT) {
                        throw ControlGroupError(key: cap.key, reason: "cannot set \(directory)/\(name): \(Self.describe(result))")
                    }
                }
                if !directories.contains(where: { $0.path == directory }) {
                    directories.append(.init(path: directory, version: location.version, controllers: [cap.controller]))
                } else if let index = directories.firstIndex(where: { $0.path == directory }) {
                    directories[index].controllers.append(cap.controller)
                }
            }
            let group = try ControlGroup(label: label, directories: directories)
            made.withLock { $0.append(group) }
            return group
        } catch {
            for directory in directories.reversed() { rmdir(directory.path) }
            throw error
        }
    }

    /// Whether `controller` (`memory`, `pids`) has a hierarchy this server
    /// could make groups in (making them may still be refused: not root).
    public func offers(_ controller: String) -> Bool {
        (try? locate(controller, key: controller)) != nil
    }

    /// The groups made so far, for tests and status pages.
    public var all: [ControlGroup] { made.withLock { $0 } }

    /// Removes every group made, once its processes are gone: any left (a
    /// daemon a script started) are killed first, then the `hearth-PID`
    /// directories, unless another site of this process still uses them.
    public func removeAll() {
        let groups = made.withLock { groups in defer { groups = [] }; return groups }
        for group in groups { group.remove() }
    }

    /// The hierarchy that has `controller`: a v1 one, else v2 when the
    /// server's group offers it.
    private func locate(_ controller: String, key: String) throws -> ControlGroupHost.Location {
        if let location = host.v1[controller] { return location }
        if let v2 = host.v2 {
            let available = (Self.readText(v2.directory + "/cgroup.controllers") ?? "").split(whereSeparator: \.isWhitespace)
            if available.contains(Substring(controller)) { return v2 }
            throw ControlGroupError(key: key, reason: "the \(controller) controller is not available to this server's control group (\(v2.directory)/cgroup.controllers)")
        }
        throw ControlGroupError(key: key, reason: "this host has no \(controller) control group hierarchy mounted (/proc/self/cgroup)")
    }

    /// `hearth-PID/LABEL` under the server's group; on v2 the controller
    /// is first delegated down to it (cgroup.subtree_control).
    private func makeDirectory(under location: ControlGroupHost.Location, label: String, controller: String, key: String) throws -> String {
        let parent = location.directory + "/hearth-\(getpid())"
        let directory = parent + "/" + label + suffix
        let made = mkdir(parent, 0o755) == 0 || errno == EEXIST
        guard made else { throw ControlGroupError(key: key, reason: "cannot create control group \(parent): \(Self.describe(errno))") }
        if location.version == .v2 {
            for delegating in [location.directory, parent] {
                let result = Self.write("+\(controller)", to: delegating + "/cgroup.subtree_control")
                if result != 0 {
                    throw ControlGroupError(key: key, reason: "cannot delegate the \(controller) controller in \(delegating)/cgroup.subtree_control: \(Self.describe(result)) (a group that holds processes cannot; run hearth in a delegated group, e.g. systemd's Delegate=yes)")
                }
            }
        }
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
            throw ControlGroupError(key: key, reason: "cannot create control group \(directory): \(Self.describe(errno))")
        }
        return directory
    }

    /// 0, or the errno of opening or writing the file.
    static func write(_ text: String, to path: String) -> Int32 {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        let written = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        return written < 0 ? errno : 0
    }

    static func readText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// A cap of `limits:` that cannot be set on this host: `key` is the
/// limit's (`memory`), for the configuration error that names it.
public struct ControlGroupError: Error, CustomStringConvertible {
    public var key: String
    public var reason: String
    public var description: String { "\(key): \(reason)" }
}
