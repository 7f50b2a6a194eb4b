/// What one run of a script, or one worker's life, cost: the wall time from
/// its spawn to its reap and the kernel's count at the reap (`ChildExit`).
/// Its `fields` are what a failed run's error-log line carries and what the
/// access log's `%{cpu}`, `%{maxrss}`, `%{wall}` print (request notes of the
/// same names).
public struct RunCost: Sendable, Equatable {
    public var wall: Duration
    public var exit: ChildExit

    public init(wall: Duration, exit: ChildExit) {
        self.wall = wall
        self.exit = exit
    }

    /// Exited with a status other than 0, or was ended by a signal.
    public var failed: Bool { exit.signal != nil || exit.exitCode != 0 }

    /// `wall`, `cpu`, `cpu_user`, `cpu_system` in seconds with three
    /// decimals (`0.012`); `maxrss` in KiB, as ru_maxrss, GNU time's `%M`
    /// and ps's RSS count it; then `exit` (the status) or `signal` (its
    /// number), whichever ended the process.
    public var fields: [(name: String, value: String)] {
        [
            ("wall", Self.seconds(wall)),
            ("cpu", Self.seconds(exit.cpu)),
            ("cpu_user", Self.seconds(exit.userCPU)),
            ("cpu_system", Self.seconds(exit.systemCPU)),
            ("maxrss", String(exit.maxResidentBytes / 1024)),
            exit.signal.map { ("signal", String($0)) } ?? ("exit", String(exit.exitCode ?? 0)),
        ]
    }

    /// `0.012`: seconds, rounded to the millisecond (rusage counts in
    /// microseconds, but the scheduler's accounting is coarser).
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let total = max(0, seconds * 1000 + (attoseconds + 500_000_000_000_000) / 1_000_000_000_000_000)
        let milliseconds = total % 1000
        return "\(total / 1000)." + (milliseconds < 10 ? "00" : milliseconds < 100 ? "0" : "") + String(milliseconds)
    }
}
