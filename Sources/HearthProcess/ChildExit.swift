#if canImport(Glibc)
import Glibc
#endif

/// How a child ended and what it cost, from its reap (wait4(2)'s rusage):
/// the kernel's own count, for the child and every descendant it waited
/// for. What `log_format`'s `%{cpu}` and `%{maxrss}` print, what a failed
/// run's error-log line carries, and what tells a user which scripts to
/// move warm first.
public struct ChildExit: Sendable, Equatable {
    /// The raw wait status.
    public var status: Int32
    public var userCPU: Duration
    public var systemCPU: Duration
    /// Peak resident set, in bytes (ru_maxrss is in KiB on Linux).
    public var maxResidentBytes: Int

    public init(status: Int32, userCPU: Duration = .zero, systemCPU: Duration = .zero, maxResidentBytes: Int = 0) {
        self.status = status
        self.userCPU = userCPU
        self.systemCPU = systemCPU
        self.maxResidentBytes = maxResidentBytes
    }

    init(status: Int32, usage: rusage) {
        self.init(
            status: status, userCPU: Self.duration(usage.ru_utime), systemCPU: Self.duration(usage.ru_stime),
            maxResidentBytes: Int(usage.ru_maxrss) * 1024
        )
    }

    /// User and system time together.
    public var cpu: Duration { userCPU + systemCPU }

    /// The exit code of a child that exited; nil if a signal ended it.
    public var exitCode: Int32? { status & 0x7f == 0 ? (status >> 8) & 0xff : nil }

    /// The signal that ended the child; nil if it exited.
    public var signal: Int32? {
        let signal = status & 0x7f
        return signal != 0 && signal != 0x7f ? signal : nil
    }

    /// "exit 3", "signal 9 (SIGKILL)": for log lines.
    public var outcome: String {
        if let signal { return "signal \(signal)" + (Self.signalNames[signal].map { " (\($0))" } ?? "") }
        return "exit \(exitCode ?? 0)"
    }

    private static let signalNames: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS",
        SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
        SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS",
    ]

    private static func duration(_ time: timeval) -> Duration {
        .seconds(Int64(time.tv_sec)) + .microseconds(Int64(time.tv_usec))
    }
}
