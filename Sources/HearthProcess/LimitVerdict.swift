#if canImport(Glibc)
import Glibc
#endif

/// Which limit of `limits:` stopped a run, for its error-log line
/// (`"limit": "cpu"`): one function for scripts and workers alike.
public enum LimitVerdict {
    /// The key of the limit that ended a failed run, or nil when none
    /// did (or it cannot be told: an allocation refused by RLIMIT_AS is
    /// the script's own failure, an exit like any other).
    ///
    /// SIGXCPU is the CPU soft limit; SIGKILL after at least `cpu`
    /// seconds, its hard limit. SIGXFSZ is `file_size`. A memory kill or a
    /// refused fork that the group counted between `before` (the spawn)
    /// and `after` (the reap) is `memory` or `processes`, whichever
    /// process of the run it hit: a script whose child was killed fails
    /// too. The group is the mount's, so a concurrent run's kill can be
    /// put down to this one if it failed in that window too.
    public static func limit(of exit: ChildExit, limits: ProcessLimits, before: ControlGroup.Counters?, after: ControlGroup.Counters?) -> String? {
        let failed = exit.signal != nil || exit.exitCode != 0
        guard failed else { return nil }
        if exit.signal == SIGXCPU { return "cpu" }
        if exit.signal == SIGXFSZ { return "file_size" }
        if let before, let after {
            if after.memoryKills > before.memoryKills { return "memory" }
            if after.processRefusals > before.processRefusals { return "processes" }
        }
        if exit.signal == SIGKILL, let seconds = limits.cpuSeconds, exit.cpu >= .seconds(seconds) { return "cpu" }
        return nil
    }
}

/// One run's view of its limits: the group's counters when it started,
/// compared with those at a failed end.
public struct LimitWatch: Sendable {
    public let limits: ProcessLimits
    public let group: ControlGroup?
    private let before: ControlGroup.Counters?

    /// Call just before the spawn.
    public init(limits: ProcessLimits, group: ControlGroup?) {
        self.limits = limits
        self.group = group
        self.before = group?.counters()
    }

    /// The limit that ended the run, or `"none"`: the log line's `limit`.
    public func verdict(for exit: ChildExit) -> String {
        let failed = exit.signal != nil || exit.exitCode != 0
        let after = failed ? group?.counters() : nil
        return LimitVerdict.limit(of: exit, limits: limits, before: before, after: after) ?? "none"
    }
}
