/// Where this process's control groups are, read from the text of
/// /proc/self/cgroup and /proc/self/mountinfo (pure, so both layouts are
/// tested as tables): cgroup v1 mounts one hierarchy per controller (or a
/// few together), v2 one unified hierarchy for all.
public struct ControlGroupHost: Sendable, Equatable {
    /// The directory of this process's own group in one hierarchy.
    public struct Location: Sendable, Equatable {
        public enum Version: Sendable, Equatable { case v1, v2 }
        public var version: Version
        public var directory: String
    }

    /// v1 hierarchies by controller name (`memory`, `pids`).
    public var v1: [String: Location] = [:]
    /// The unified (v2) hierarchy, if mounted; which controllers it offers
    /// is read from its `cgroup.controllers` (`ControlGroups`).
    public var v2: Location?

    public init(v1: [String: Location] = [:], v2: Location? = nil) {
        self.v1 = v1
        self.v2 = v2
    }

    /// `cgroup`: lines `ID:CONTROLLERS:PATH` (`4:memory:/a/b`, `0::/a` for
    /// v2). `mountinfo`: lines `ID PARENT DEV ROOT MOUNTPOINT OPTIONS … -
    /// FSTYPE SOURCE SUPEROPTIONS` (proc(5)); a v1 mount's super options
    /// name its controllers. A group path is under the mount's root, which
    /// is not `/` when a container mounts only its own subtree.
    public init(cgroup: String, mountinfo: String) {
        var v1Paths: [String: String] = [:]
        var v2Path: String?
        for line in cgroup.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[0] == "0", fields[1].isEmpty {
                v2Path = String(fields[2])
            } else {
                for controller in fields[1].split(separator: ",") { v1Paths[String(controller)] = String(fields[2]) }
            }
        }
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard let dash = fields.firstIndex(of: "-"), dash >= 5, fields.count > dash + 3 else { continue }
            let root = Self.unescape(fields[3]), mountpoint = Self.unescape(fields[4])
            switch fields[dash + 1] {
            case "cgroup":
                for option in fields[dash + 3].split(separator: ",") {
                    let controller = String(option)
                    guard let path = v1Paths[controller], let directory = Self.directory(of: path, root: root, mountpoint: mountpoint) else { continue }
                    v1[controller] = Location(version: .v1, directory: directory)
                }
            case "cgroup2":
                if let path = v2Path, let directory = Self.directory(of: path, root: root, mountpoint: mountpoint) {
                    v2 = Location(version: .v2, directory: directory)
                }
            default:
                continue
            }
        }
    }

    /// The group's directory: `path` below the mount's `root`, under the
    /// mountpoint; nil when the group is outside what is mounted.
    static func directory(of path: String, root: String, mountpoint: String) -> String? {
        let relative: Substring
        if root == "/" {
            relative = Substring(path)
        } else if path == root {
            relative = ""
        } else if path.hasPrefix(root + "/") {
            relative = path.dropFirst(root.count)
        } else {
            return nil
        }
        let trimmed = relative.drop { $0 == "/" }
        return trimmed.isEmpty ? mountpoint : mountpoint + "/" + trimmed
    }

    /// mountinfo escapes space, tab, newline and backslash as `\ooo`.
    static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3, let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
