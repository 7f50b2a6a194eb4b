#if canImport(Glibc)
import Glibc
#endif
@testable import HearthProcess
import Testing

/// `limits:` as data: the rlimits a mount's limits become, where the
/// control groups are on a host, and which limit a failed run is put down
/// to (docs/configuration.md, "limits").
@Suite struct LimitTests {
    @Test func byDefaultOnlyCoreIsLimitedToZero() {
        #expect(ProcessLimits().resourceLimits == [ResourceLimit(resource: Int32(RLIMIT_CORE.rawValue), value: 0)])
        #expect(ProcessLimits().configuredKeys.isEmpty)
        #expect(!ProcessLimits().needsControlGroup)
    }

    /// Soft and hard alike (a script cannot raise them), except the CPU's
    /// hard limit a second later: at the soft limit SIGXCPU, which says
    /// `cpu`; with both equal the kernel would send SIGKILL instead.
    @Test func everyKeyBecomesItsRlimit() {
        var limits = ProcessLimits()
        limits.cpuSeconds = 2
        limits.memoryBytes = 64 << 20
        limits.processes = 20
        limits.openFiles = 50
        limits.fileSizeBytes = 1 << 20
        limits.coreBytes = nil
        let rlimits = Dictionary(uniqueKeysWithValues: limits.resourceLimits.map { ($0.resource, $0) })
        #expect(rlimits[Int32(RLIMIT_CPU.rawValue)] == ResourceLimit(resource: Int32(RLIMIT_CPU.rawValue), soft: 2, hard: 3))
        #expect(rlimits[Int32(RLIMIT_AS.rawValue)]?.hard == 64 << 20)
        #expect(rlimits[Int32(__RLIMIT_NPROC.rawValue)]?.soft == 20)
        #expect(rlimits[Int32(RLIMIT_NOFILE.rawValue)]?.hard == 50)
        #expect(rlimits[Int32(RLIMIT_FSIZE.rawValue)]?.soft == 1 << 20)
        #expect(rlimits[Int32(RLIMIT_CORE.rawValue)] == nil)
        #expect(limits.configuredKeys == ["cpu", "memory", "processes", "open_files", "file_size"])
        #expect(limits.needsControlGroup)
    }

    @Test func cgroupV1AsOnThisKindOfHost() {
        let host = ControlGroupHost(
            cgroup: "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n1:cpu,cpuacct:/\n0::/\n",
            mountinfo: """
                31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
                32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
                35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
                39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
                41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
                """)
        #expect(host.v1["memory"] == .init(version: .v1, directory: "/sys/fs/cgroup/memory/process_api/abc"))
        #expect(host.v1["pids"] == .init(version: .v1, directory: "/sys/fs/cgroup/pids"))
        #expect(host.v1["cpuacct"]?.directory == "/sys/fs/cgroup/cpu,cpuacct")
        #expect(host.v2 == .init(version: .v2, directory: "/sys/fs/cgroup/unified"))
    }

    @Test func cgroupV2UnderSystemd() {
        let host = ControlGroupHost(
            cgroup: "0::/system.slice/hearth.service\n",
            mountinfo: "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n")
        #expect(host.v1.isEmpty)
        #expect(host.v2?.directory == "/sys/fs/cgroup/system.slice/hearth.service")
    }

    /// A container that mounts only its own subtree: the group's path is
    /// under the mount's root; one outside what is mounted has no directory.
    @Test func aMountWhoseRootIsNotSlash() {
        let host = ControlGroupHost(
            cgroup: "5:memory:/docker/abc/inner\n6:pids:/elsewhere\n",
            mountinfo: """
                40 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
                41 31 0:33 /docker/abc /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
                """)
        #expect(host.v1["memory"]?.directory == "/sys/fs/cgroup/memory/inner")
        #expect(host.v1["pids"] == nil)
    }

    @Test func mountinfoEscapesAreRead() {
        #expect(ControlGroupHost.unescape("/mnt/with\\040space") == "/mnt/with space")
        #expect(ControlGroupHost.unescape("/plain") == "/plain")
    }

    static let verdictCases: [(Int32?, Int32, Int, Int, Int, String?)] = [
        // (signal or nil, exit code, cpu seconds used, kills before→after, refusals before→after, expected)
        (SIGXCPU, 0, 1, 0, 0, "cpu"),
        (SIGKILL, 0, 3, 0, 0, "cpu"),  // the hard limit, a second after the soft one
        (SIGKILL, 0, 0, 0, 0, nil),  // killed by someone else, early
        (SIGXFSZ, 0, 0, 0, 0, "file_size"),
        (SIGKILL, 0, 0, 1, 0, "memory"),
        (nil, 1, 0, 1, 0, "memory"),  // a child of the script was killed; the script failed
        (nil, 1, 0, 0, 1, "processes"),  // a fork refused
        (nil, 1, 0, 0, 0, nil),  // an allocation refused by RLIMIT_AS: an exit like any other
        (nil, 0, 0, 1, 1, nil),  // a run that succeeded was stopped by nothing
    ]

    @Test(arguments: verdictCases)
    func verdicts(signal: Int32?, exitCode: Int32, cpuUsed: Int, killsAdded: Int, refusalsAdded: Int, expected: String?) {
        var limits = ProcessLimits()
        limits.cpuSeconds = 2
        let status = signal ?? (exitCode << 8)
        let exit = ChildExit(status: status, userCPU: .seconds(cpuUsed))
        let before = ControlGroup.Counters(memoryKills: 5, processRefusals: 7)
        let after = ControlGroup.Counters(memoryKills: 5 + killsAdded, processRefusals: 7 + refusalsAdded)
        #expect(LimitVerdict.limit(of: exit, limits: limits, before: before, after: after) == expected)
    }

    @Test func countersAreReadFromTheGroupsFiles() {
        #expect(ControlGroup.field("oom_kill", in: "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n") == 3)
        #expect(ControlGroup.field("max", in: "max 12\n") == 12)
        #expect(ControlGroup.field("oom_kill", in: nil) == 0)
    }
}
