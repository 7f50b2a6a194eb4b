#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// How many event loops the server runs: one per CPU it may run on.
///
/// NIO's singleton group has `System.coreCount` loops, which reads cgroup
/// quotas but not the CPU affinity mask: a server started under
/// `taskset -c 0` (or a cpuset) runs two loops on one CPU, which the kernel
/// then time-slices — a request on the loop that is not running waits for
/// its turn, and the 99th percentile grows from under a millisecond to
/// about ten (docs/performance.md, "Hot rows"). Go's runtime sizes
/// GOMAXPROCS by the same mask.
public enum EventLoopSizing {
    /// CPUs in this process's affinity mask, from the `Cpus_allowed` line
    /// of /proc/self/status (Glibc's `sched_getaffinity` needs _GNU_SOURCE,
    /// which Swift's Glibc module does not define); nil where it can't be
    /// read.
    public static var affinityCPUCount: Int? {
        guard let status = readStatus() else { return nil }
        return cpusAllowed(inStatus: status)
    }

    /// The count of set bits in `Cpus_allowed:` (comma-separated hex words).
    static func cpusAllowed(inStatus status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        let mask = line.dropFirst("Cpus_allowed:".count).filter { $0 != "," && $0 != " " && $0 != "\t" }
        var count = 0
        for digit in mask {
            guard let value = digit.hexDigitValue else { return nil }
            count += value.nonzeroBitCount
        }
        return count > 0 ? count : nil
    }

    private static func readStatus() -> String? {
        #if os(Linux)
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { break }
            bytes += chunk[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
        #else
        return nil
        #endif
    }

    /// Sizes NIO's singleton group to the affinity mask when that allows
    /// fewer CPUs than `System.coreCount`, unless
    /// `NIO_SINGLETON_GROUP_LOOP_COUNT` says otherwise. Call it first thing
    /// in `main`, before anything uses the singleton group: NIO stops the
    /// program if the count is set after the group exists.
    public static func fitSingletonGroupToAffinity() {
        guard getenv("NIO_SINGLETON_GROUP_LOOP_COUNT") == nil,
              let cpus = affinityCPUCount, cpus < System.coreCount
        else { return }
        NIOSingletons.groupLoopCountSuggestion = cpus
    }
}
