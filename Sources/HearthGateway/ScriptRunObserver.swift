import HearthHTTP
import HearthProcess

/// Told of each cold script's run, as it starts and once it is reaped: the
/// site's mount metrics adopt it (runs, their time, CPU and memory, stops
/// by reason) and the status page keeps the last failures. Found through
/// the request's notes (`RequestNotes.observer`), so the gateway needs no
/// wiring; with no observer a run costs nothing more.
package protocol ScriptRunObserver: RequestObserver {
    func scriptStarted(_ script: String, pid: Int32)
    func scriptEnded(_ report: ScriptRunReport)
}

/// One cold run as the gateway saw it end.
package struct ScriptRunReport: Sendable {
    /// The script's file.
    package var script: String
    package var pid: Int32
    /// Its wall time, CPU and peak memory, from the reap.
    package var cost: RunCost
    /// Why the gateway stopped it early (`timeout`, `client_gone`,
    /// `cancelled`); nil if it did not.
    package var stopReason: String?
    /// The key of the `limits:` entry that ended it (`cpu`, `memory`, …);
    /// nil if none did.
    package var limit: String?
    /// Why its answer was refused (a broken header rule, a timeout), as the
    /// error log says it; nil if it answered.
    package var refusal: String?
    /// Its last lines on stderr (`OutputTail`: 10 lines, 2 KiB at most).
    package var stderrTail: [String]

    /// Exited non-zero, ended by a signal, stopped, or its answer refused.
    package var failed: Bool { cost.failed || stopReason != nil || refusal != nil }
}
