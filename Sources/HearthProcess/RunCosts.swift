import Synchronization

/// What the runs of each script (and the lives of each pool's workers)
/// cost so far, process-wide: the aggregate the operations issue (#24)
/// exports as metrics, filled at every reap. Bounded: script names are
/// bounded by the files in a mount, but the table is capped anyway, and
/// names beyond the cap are counted together under `RunCosts.overflow`.
public final class RunCosts: Sendable {
    /// The table the gateway and the worker pools fill.
    public static let shared = RunCosts()

    /// What was run: a CGI script by its file path, or a FastCGI pool by
    /// its name (one entry for all of its workers).
    public struct Key: Sendable, Hashable {
        public enum Kind: String, Sendable { case cgi, worker }
        public var kind: Kind
        public var name: String

        public init(_ kind: Kind, _ name: String) {
            self.kind = kind
            self.name = name
        }
    }

    /// The totals for one key.
    public struct Totals: Sendable, Equatable {
        public var runs = 0
        /// Runs that exited non-zero or were ended by a signal.
        public var failures = 0
        public var wall = Duration.zero
        public var userCPU = Duration.zero
        public var systemCPU = Duration.zero
        /// The highest peak resident set of any one run, in bytes.
        public var maxResidentBytes = 0

        public init() {}

        public var cpu: Duration { userCPU + systemCPU }

        mutating func add(_ cost: RunCost) {
            runs += 1
            if cost.failed { failures += 1 }
            wall += cost.wall
            userCPU += cost.exit.userCPU
            systemCPU += cost.exit.systemCPU
            maxResidentBytes = max(maxResidentBytes, cost.exit.maxResidentBytes)
        }
    }

    /// Where runs are counted once the table is full: no key is ever
    /// dropped, so totals over all keys stay right.
    public static let overflow = "(other)"

    /// Most keys kept, besides the overflow entries. Default 1,024.
    public let capacity: Int
    /// `named`: the keys in `totals` that are not overflow entries.
    private let table = Mutex<(totals: [Key: Totals], named: Int)>(([:], 0))

    public init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// Adds one run's cost to its key's totals.
    public func record(_ cost: RunCost, for key: Key) {
        table.withLock { table in
            var key = key
            if table.totals[key] == nil {
                if table.named < capacity { table.named += 1 } else { key.name = Self.overflow }
            }
            table.totals[key, default: Totals()].add(cost)
        }
    }

    /// A copy of every key's totals as they stand.
    public func snapshot() -> [Key: Totals] {
        table.withLock { $0.totals }
    }
}
