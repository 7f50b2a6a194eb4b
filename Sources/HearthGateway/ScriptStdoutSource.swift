import HearthCGI
import HearthHTTP
import HearthRelay
import NIOCore
import NIOHTTP1

/// A cold script's stdout as the relay reads it. What is the gateway's own:
/// the activity that re-arms the I/O timeout, the stop of the process
/// group, and what the script's end (its stop reason, the signal that
/// killed it) means for the answer.
struct ScriptStdoutSource: ScriptOutputSource {
    let process: ScriptProcess
    let script: CGIScript
    let grace: Duration
    let activity: Activity

    mutating func next() async throws -> ByteBuffer? {
        let chunk = try await process.stdout.next()
        if chunk != nil { activity.touch() }
        return chunk
    }

    /// Not for a script being stopped: what it left is not its answer.
    func takeRestIfEnded() -> [ByteBuffer]? {
        guard process.stopReason == nil else { return nil }
        return process.stdout.takeRestIfEnded()
    }

    func interruption() -> HTTPError? {
        switch process.stopReason {
        case .timedOut: HTTPError(.gatewayTimeout, "\(script.filePath): no response within the timeout")
        case .clientGone: HTTPError(HTTPResponseStatus(statusCode: 499, reasonPhrase: "Client Closed Request"), "\(script.filePath): client went away")
        case .cancelled, nil: nil
        }
    }

    /// Stdout closed before a complete header block: a timeout (504), a
    /// client that left, or a script that failed (500, as Apache's
    /// "premature end of script headers").
    func endedBeforeHead(_ missing: CGIOutputError) -> HTTPError {
        interruption() ?? HTTPError(.internalServerError, "\(script.filePath): \(missing)")
    }

    /// A script stopped, or killed by a signal (a limit's SIGXCPU or
    /// SIGKILL, a crash), wrote an unknown part of its answer.
    func endVerdict() async -> HTTPError? {
        if process.stopReason == .timedOut {
            return HTTPError(.gatewayTimeout, "\(script.filePath): timed out before the end of its answer")
        }
        if let error = interruption() { return error }
        if let signal = await process.killedBySignal() {
            return HTTPError(.badGateway, "\(script.filePath): killed by signal \(signal) before the end of its answer")
        }
        return nil
    }

    func abandon(_ reason: ScriptRelayAbandon) {
        process.stop(reason == .clientGone ? .clientGone : .cancelled, grace: grace)
    }
}

extension ScriptRun {
    /// Reads stdout: NPH output goes to the raw connection as it is (§5);
    /// otherwise the shared relay parses the head (§6) and writes the
    /// response. The writer stays in `slot` unless the response was written.
    func relayStdout(into slot: inout ResponseWriter?, activity: Activity) async throws -> Outcome {
        // Whatever happens here, the pipe is not left open behind the relay.
        defer { process.stdout.close() }
        var source = ScriptStdoutSource(process: process, script: script, grace: mount.killGrace, activity: activity)
        let relay = ScriptResponseRelay(
            label: script.filePath, request: request, headerRules: mount.headerRules, maxOutputBytes: mount.maxOutputBytes, sendfile: mount.sendfile,
            logger: logger
        )
        if script.isNPH {
            try await relay.runUnparsed(&source, to: slot.take()!.takeOverConnection())
            return .responded
        }
        return try await relay.run(&source, slot: &slot)
    }
}
