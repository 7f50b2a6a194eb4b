import Foundation
import HearthGateway
import Synchronization

/// A script run or a worker that failed, as the status page lists it.
struct FailedRun: Sendable, Codable, Equatable {
    var time: Date
    /// The mount's prefix, or the pool's name for a worker.
    var mount: String
    var script: String
    var pid: Int32
    /// `exit 3`, `signal 9 (SIGKILL)`, `worker exited with status 2`.
    var outcome: String
    /// Why the server stopped it (`timeout`, `client_gone`), if it did.
    var stopped: String?
    /// The `limits:` key that ended it, if one did.
    var limit: String?
    /// Why its answer was refused (the 502's or 504's message), if it was.
    var refusal: String?
    /// Its last lines on stderr, oldest first.
    var stderr: [String]

    init(mount: String, report: ScriptRunReport, time: Date = Date()) {
        self.time = time
        self.mount = mount
        self.script = report.script
        self.pid = report.pid
        self.outcome = report.cost.exit.outcome
        self.stopped = report.stopReason
        self.limit = report.limit
        self.refusal = report.refusal
        self.stderr = report.stderrTail
    }

    init(pool: String, pid: Int32, how: String, lastOutput: [String], time: Date = Date()) {
        self.time = time
        self.mount = pool
        self.script = pool
        self.pid = pid
        self.outcome = "worker \(how)"
        self.stderr = lastOutput
    }
}

/// The last failed runs, newest first: a ring of `capacity` entries, each
/// with a stderr tail already bounded (`OutputTail`), so the page's size is
/// bounded whatever the scripts do.
final class FailedRuns: Sendable {
    /// Entries kept. Default 20.
    let capacity: Int
    private let runs = Mutex<[FailedRun]>([])

    init(capacity: Int = 20) {
        self.capacity = capacity
    }

    func add(_ run: FailedRun) {
        runs.withLock { runs in
            runs.insert(run, at: 0)
            if runs.count > capacity { runs.removeLast(runs.count - capacity) }
        }
    }

    var newestFirst: [FailedRun] { runs.withLock { $0 } }
}
