import HearthCGI
import HearthHTTP
import HearthScripts
import HearthProcess
import HearthRelay
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// One run of one script: stdin, stdout and stderr pumped concurrently
/// (never the whole body before reading output: Apache's deadlock), a
/// watchdog for the timeouts, a watch on the client, and the response.
struct ScriptRun {
    let process: ScriptProcess
    let script: CGIScript
    let request: Request
    let mount: CGIMountConfiguration
    let redirector: LocalRedirector
    let logger: Logger
    /// Which limit stopped the script, for the log line of a failed run.
    let limits: LimitWatch
    /// The last lines of its stderr, for the same line (and the status
    /// page's failed runs).
    let stderrTail: OutputTail
    /// Who is told of the run's end (the mount's metrics); nil when nobody
    /// watches.
    var observer: (any ScriptRunObserver)? = nil

    typealias Outcome = ScriptRelayOutcome

    func run(input: ScriptInput, writer: consuming ResponseWriter) async throws {
        let activity = Activity()
        let watch = ScriptWatch(process: process, activity: activity, mount: mount, eventLoop: process.eventLoop) { [logger, script, process, request] in
            logger.error("script timed out", metadata: ["script": "\(script.filePath)", "pid": "\(process.pid)", RequestID.metadataKey: "\(request.id)"])
        }
        watch.start(client: request.connection)
        defer { watch.end() }
        guard let stdin = process.stdin else {
            // No body: stdin is /dev/null, and stderr needs no task either
            // (`ScriptStderrPipe`), so the response is all there is to wait for.
            return try await respond(writer, activity: activity, watch: watch)
        }
        // Leaving this scope cancels and awaits the stdin pump, which is
        // not awaited explicitly: it may be waiting on a slow client after
        // the script left.
        async let _ = pumpStdin(input, into: stdin, activity: activity)
        try await respond(writer, activity: activity, watch: watch)
    }

    /// Relays stdout, waits for the script's end, and follows a local
    /// redirect (§6.2.2) once this script is done.
    private func respond(_ writer: consuming ResponseWriter, activity: Activity, watch: ScriptWatch) async throws {
        var slot: ResponseWriter? = consume writer
        let outcome: Outcome
        do {
            outcome = try await relayStdout(into: &slot, activity: activity)
        } catch {
            process.stop(.cancelled, grace: mount.killGrace)
            await reap(refusal: (error as? HTTPError)?.message)
            throw error
        }
        watch.responseComplete()
        await finishStderr()
        if case .failed(let error) = outcome { await reap(refusal: error.message) } else { await reap() }
        switch outcome {
        case .responded:
            return
        case .failed(let error):
            throw error
        case .localRedirect(let target):
            logger.debug("local redirect", metadata: ["script": "\(script.filePath)", "location": "\(target)"])
            watch.end()  // this script is done; the target gets a watch of its own
            try await redirector.dispatch(request.redirected(to: target), writer: slot.take()!)
        }
    }

    /// Waits for the script to exit (the watchdog still stops one that
    /// lingers after closing stdout), accounts for what it cost, and logs
    /// a failed run with its cost.
    /// `refusal`: why the answer was refused, if it was (a 502, a 504).
    private func reap(refusal: String? = nil) async {
        let cost = process.cost(await process.waitForExit())
        account(cost)
        let stopReason = process.stopReason
        var limit: String?
        if Self.failed(cost, stopReason: stopReason) {
            var metadata = Self.failureMetadata(script: script, pid: process.pid, stopReason: stopReason, cost: cost)
            let verdict = limits.verdict(for: cost.exit)
            metadata["limit"] = "\(verdict)"
            limit = verdict
            // Why it failed, as the script said it, without searching the
            // log for its stderr lines (which carry the same request_id).
            let tail = stderrTail.text
            if !tail.isEmpty { metadata["stderr_tail"] = "\(tail)" }
            metadata[RequestID.metadataKey] = "\(request.id)"
            logger.notice("script exited", metadata: metadata)
        }
        observer?.scriptEnded(ScriptRunReport(
            script: script.filePath, pid: process.pid, cost: cost, stopReason: stopReason.map(\.label),
            limit: limit == "none" ? nil : limit, refusal: refusal, stderrTail: stderrTail.last
        ))
    }

    /// Once stdout has ended, stderr is read to its end too (the script is
    /// exiting); a child it left behind holding the pipe open cannot keep
    /// the request waiting more than a moment.
    private func finishStderr() async {
        await process.stderr.finish(grace: .milliseconds(200))
    }

    /// Feeds the body to stdin, then closes it. A script that stops reading
    /// (or exits) ends the pump quietly: that is its right (§4.2: "it is not
    /// obliged to read any of the data").
    ///
    /// One chunk is in the pipe's write queue at a time: the script's own
    /// reading is the backpressure, with no async writer in between (as
    /// `ScriptStdout` reads the other way).
    private func pumpStdin(_ input: ScriptInput, into stdin: ScriptStdinPipe, activity: Activity) async {
        do {
            switch input {
            case .none, .file: break
            case .memory(let buffer): try await stdin.write(buffer)
            case .stream(let body, _):
                for try await chunk in body {
                    try await stdin.write(chunk)
                    activity.touch()
                }
            }
        } catch {
            logger.debug("script stdin closed early", metadata: ["script": "\(script.filePath)", "error": "\(error)"])
        }
        // Every write has completed: closing loses nothing the script could
        // still read, and gives it end of file.
        stdin.close()
    }
}

/// When the script last showed signs of life.
package final class Activity: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    package init() {}
    package func touch() { instant.withLock { $0 = .now } }
    package var last: ContinuousClock.Instant { instant.withLock { $0 } }
}
