#if canImport(Glibc)
import Glibc
#endif
import CHearthSpawn

/// What bounds the scripts of one mount or the workers of one pool (the
/// `limits:` of the config file; Apache's `RLimitCPU`, `RLimitMEM`,
/// `RLimitNPROC`). Every field has a default; nil is "not limited".
///
/// Each limit is an rlimit the child sets before its exec; `memory` and
/// `processes` are also caps of the mount's control group where the host
/// has one (`ControlGroups`). The scopes differ, and docs/configuration.md
/// says so: an rlimit binds each process (RLIMIT_NPROC: every process of
/// the user), a control group the mount's processes together.
public struct ProcessLimits: Sendable, Equatable {
    /// CPU seconds of each process (RLIMIT_CPU): SIGXCPU at the limit,
    /// SIGKILL one second later. Default nil.
    public var cpuSeconds: Int? = nil
    /// Bytes: each process's address space (RLIMIT_AS), and the resident
    /// memory of the mount's processes together (the control group's
    /// memory cap, swap included). Default nil.
    public var memoryBytes: Int? = nil
    /// Processes: of the script's user (RLIMIT_NPROC, which root ignores),
    /// and of the mount together (the control group's pids cap). Default nil.
    public var processes: Int? = nil
    /// Open descriptors of each process (RLIMIT_NOFILE). Default nil.
    public var openFiles: Int? = nil
    /// Largest file a process may write, in bytes (RLIMIT_FSIZE): SIGXFSZ
    /// beyond. Default nil.
    public var fileSizeBytes: Int? = nil
    /// The share of CPU time the mount's processes may take together, in
    /// percent of one CPU (`cpu_quota`; 200 is two CPUs): the control
    /// group's CFS bandwidth cap, which throttles and never kills. Default nil.
    public var cpuQuotaPercent: Int? = nil
    /// Largest core dump (RLIMIT_CORE). Default 0: a script never dumps
    /// core (its memory may hold a request's secrets). nil leaves the
    /// server's own limit.
    public var coreBytes: Int? = 0

    public init() {}

    /// The rlimits of a child, each soft and hard alike (a script cannot
    /// raise them) except the CPU's, whose hard limit is a second later so
    /// that the soft one is a SIGXCPU a script can be told apart by
    /// (at the hard limit the kernel sends SIGKILL instead).
    public var resourceLimits: [ResourceLimit] {
        var limits: [ResourceLimit] = []
        func add(_ resource: __rlimit_resource, _ value: Int?) {
            if let value { limits.append(ResourceLimit(resource: Int32(resource.rawValue), value: UInt64(value))) }
        }
        if let cpuSeconds {
            limits.append(ResourceLimit(resource: Int32(RLIMIT_CPU.rawValue), soft: UInt64(cpuSeconds), hard: UInt64(cpuSeconds) + 1))
        }
        add(RLIMIT_AS, memoryBytes)
        add(__RLIMIT_NPROC, processes)  // glibc spells the enum case so
        add(RLIMIT_NOFILE, openFiles)
        add(RLIMIT_FSIZE, fileSizeBytes)
        add(RLIMIT_CORE, coreBytes)
        return limits
    }

    /// The limits the config set, by key, other than the default `core: 0`.
    public var configuredKeys: [String] {
        [
            ("cpu", cpuSeconds), ("memory", memoryBytes), ("processes", processes), ("open_files", openFiles),
            ("file_size", fileSizeBytes), ("core", coreBytes == 0 ? nil : coreBytes), ("cpu_quota", cpuQuotaPercent),
        ].compactMap { $0.1 == nil ? nil : $0.0 }
    }

    /// Whether the mount needs a control group: `memory`, `processes` and
    /// `cpu_quota` are caps of one; `cpu` is RLIMIT_CPU only.
    public var needsControlGroup: Bool { memoryBytes != nil || processes != nil || cpuQuotaPercent != nil }
}

extension SpawnRequest {
    /// The child sets `limits` and joins `group` before its exec.
    public mutating func confine(_ limits: ProcessLimits, group: ControlGroup?) {
        self.limits = limits.resourceLimits
        controlGroups = group?.procs ?? []
    }
}

extension ProcessSpawner {
    /// Whether a child can be confined here (limits, control groups): the
    /// clone3 path, on x86-64 where the kernel has not refused it.
    /// posix_spawn cannot, and refuses such a request rather than start
    /// it unconfined, so the site builder asks first.
    public static var canConfine: Bool { hearth_spawn_can_confine() != 0 }
}
