#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One mount's control group (in each hierarchy that holds one of its
/// caps): the descriptors its scripts join it by, and the counters that
/// say a cap was hit.
public final class ControlGroup: Sendable {
    struct Directory: Sendable {
        var path: String
        var version: ControlGroupHost.Location.Version
        var controllers: [String]
    }

    /// How often the caps were hit so far; each only grows.
    public struct Counters: Sendable, Equatable {
        /// Processes the kernel killed for the memory cap (v1
        /// `memory.oom_control`, v2 `memory.events`: `oom_kill`).
        public var memoryKills = 0
        /// Forks refused for the pids cap (`pids.events`: `max`).
        public var processRefusals = 0

        public init(memoryKills: Int = 0, processRefusals: Int = 0) {
            self.memoryKills = memoryKills
            self.processRefusals = processRefusals
        }
    }

    public let label: String
    let directories: [Directory]
    /// `cgroup.procs` of each directory, opened once at start-up and kept
    /// (close-on-exec): `SpawnRequest.controlGroups`.
    private let descriptors: Mutex<[Int32]>

    init(label: String, directories: [Directory]) throws {
        var descriptors: [Int32] = []
        for directory in directories {
            let fd = open(directory.path + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                for fd in descriptors { close(fd) }
                throw ControlGroupError(key: directory.controllers.first == "pids" ? "processes" : "memory", reason: "cannot open \(directory.path)/cgroup.procs: \(ControlGroups.describe(code))")
            }
            descriptors.append(fd)
        }
        self.label = label
        self.directories = directories
        self.descriptors = Mutex(descriptors)
    }

    /// What a child joins the group by.
    public var procs: [Int32] { descriptors.withLock { $0 } }

    /// The group's directories, for logs and tests.
    public var paths: [String] { directories.map(\.path) }

    /// The counters now: a few small reads, done only for mounts that have
    /// a group.
    public func counters() -> Counters {
        var counters = Counters()
        for directory in directories {
            if directory.controllers.contains("memory") {
                let file = directory.version == .v1 ? "memory.oom_control" : "memory.events"
                counters.memoryKills = Self.field("oom_kill", in: ControlGroups.readText(directory.path + "/" + file))
            }
            if directory.controllers.contains("pids") {
                counters.processRefusals = Self.field("max", in: ControlGroups.readText(directory.path + "/pids.events"))
            }
        }
        return counters
    }

    /// The processes in the group now.
    public var members: [pid_t] {
        directories.flatMap { directory in
            (ControlGroups.readText(directory.path + "/cgroup.procs") ?? "").split(separator: "\n").compactMap { pid_t($0) }
        }
    }

    /// `NAME VALUE` lines (`oom_kill 3`): the value of `name`, 0 if absent.
    static func field(_ name: String, in text: String?) -> Int {
        for line in (text ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == name { return Int(parts[1]) ?? 0 }
        }
        return 0
    }

    /// Closes the descriptors, kills what is left in the group (bounded:
    /// at most a second), removes the directories, then their `hearth-PID`
    /// parent if nothing else is in it.
    func remove() {
        descriptors.withLock { fds in
            for fd in fds { close(fd) }
            fds = []
        }
        for directory in directories {
            for _ in 0..<50 {
                if rmdir(directory.path) == 0 || errno == ENOENT { break }
                for pid in members { kill(pid, SIGKILL) }
                usleep(20_000)
            }
            let parent = String(directory.path[..<directory.path.lastIndex(of: "/")!])
            rmdir(parent)  // ENOTEMPTY while another site's groups are in it
        }
    }
}
