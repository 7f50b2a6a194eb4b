import HearthCGI
import HearthProcess
import Logging

/// What a run cost goes three places: the request's notes (the access log's
/// `%{cpu}`, `%{maxrss}`, ...), the process-wide table that metrics export
/// (`RunCosts`), and, for a failed run, the error-log line.
extension ScriptRun {
    /// Leaves the cost for the access log and adds it to the totals.
    func account(_ cost: RunCost) {
        request.notes.set(cost.fields + [("script", script.filePath)])
        RunCosts.shared.record(cost, for: RunCosts.Key(.cgi, script.filePath))
    }

    /// A run failed when it exited non-zero, was ended by a signal, or
    /// was stopped (timeout, client gone) whatever its exit.
    static func failed(_ cost: RunCost, stopReason: ScriptProcess.StopReason?) -> Bool {
        cost.failed || stopReason != nil
    }

    /// The error-log metadata of a failed run: the script, its pid, why it
    /// was stopped (`no` when it was not), and every cost field.
    static func failureMetadata(script: CGIScript, pid: Int32, stopReason: ScriptProcess.StopReason?, cost: RunCost) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "script": "\(script.filePath)", "pid": "\(pid)", "stopped": "\(stopReason.map { "\($0)" } ?? "no")",
        ]
        for (name, value) in cost.fields { metadata[name] = "\(value)" }
        return metadata
    }
}
