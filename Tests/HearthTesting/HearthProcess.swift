import Foundation
import Synchronization

/// The real `hearth` executable, started as its own process on port 0, for
/// tests that look at the server from outside: its descriptors, its
/// children, its signals.
public final class HearthProcess: Sendable {
    public let pid: Int32
    public let port: Int
    private let process: Process
    private let errorLog: LogBuffer

    private init(process: Process, port: Int, errorLog: LogBuffer) {
        self.process = process
        self.pid = process.processIdentifier
        self.port = port
        self.errorLog = errorLog
    }

    /// The built `hearth` binary: beside the test bundle in the build folder.
    public static var executable: String { builtExecutable("hearth") }

    /// An executable of this package, as built beside the test bundle
    /// (`swift test` builds every executable target).
    public static func builtExecutable(_ name: String) -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: me).deletingLastPathComponent()
        while directory.path != "/" && !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent(name).path) {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent(name).path
    }

    /// Starts `hearth serve --port 0 ARGUMENTS` and returns once its log says
    /// where it listens (the readiness signal; no sleeping). `errorLog`:
    /// the file the configuration's `error_log` names, read for that line
    /// instead of standard error.
    public static func start(
        _ arguments: [String], workingDirectory: String, environment: [String: String]? = nil, errorLog: String? = nil
    ) async throws -> HearthProcess {
        try await launch(
            executable, arguments: ["serve", "--port", "0"] + arguments, environment: environment, workingDirectory: workingDirectory,
            errorLog: errorLog
        )
    }

    /// Starts any executable that serves HTTP with Hearth's server and logs
    /// its "listening" line to stderr (a `HearthApp.run` program on its own,
    /// given `--port 0`), or to `errorLog`; returns once it listens.
    public static func launch(
        _ executable: String, arguments: [String], environment: [String: String]? = nil, workingDirectory: String, errorLog: String? = nil
    ) async throws -> HearthProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = LogBuffer()
        do {
            let port = try await offload(within: listeningBound) { () throws -> Int in
                guard let errorLog else { return try Self.readUntilListening(stderr.fileHandleForReading, log: log) }
                Self.drain(stderr.fileHandleForReading, into: log)
                return try Self.waitUntilListening(errorLog: errorLog, process: process)
            }
            return HearthProcess(process: process, port: port, errorLog: log)
        } catch {
            // A server that never says it listens is stopped, not left running.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw RawClientError.malformed("\(executable) did not say it was listening (\(error)); its log: \(log.text)")
        }
    }

    /// How long a server may take to start listening, and to exit after
    /// SIGTERM: generous, for a loaded machine, but a hang fails the test.
    public static let listeningBound = Duration.seconds(60)
    public static let exitBound = 30.0

    /// Reads the error log until the "listening" line, then keeps draining
    /// it on the same thread so the server never blocks on a full pipe.
    private static func readUntilListening(_ handle: FileHandle, log: LogBuffer) throws -> Int {
        var pending = ""
        while true {
            let data = handle.availableData
            guard !data.isEmpty else { throw RawClientError.malformed("hearth exited before listening: \(pending)") }
            let text = String(decoding: data, as: UTF8.self)
            pending += text
            log.append(text)
            if let port = listeningPort(in: pending) {
                drain(handle, into: log)
                return port
            }
        }
    }

    /// Polls the error-log file for the "listening" line (every 20 ms, as
    /// `Processes.eventually` does), while the server runs.
    private static func waitUntilListening(errorLog: String, process: Process) throws -> Int {
        while process.isRunning {
            if let text = try? String(contentsOfFile: errorLog, encoding: .utf8), let port = listeningPort(in: text) { return port }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw RawClientError.malformed("hearth exited before listening")
    }

    /// The port of `listening on http://HOST:PORT/`, once the line is there.
    private static func listeningPort(in text: String) -> Int? {
        port(in: text, after: "listening on")
    }

    /// The port of the first `PREFIX http://HOST:PORT/` in `text`.
    private static func port(in text: String, after prefix: String) -> Int? {
        guard let range = text.range(of: prefix + #" http://[^ ]*:(\d+)/"#, options: .regularExpression) else { return nil }
        return Int(String(text[range].dropLast().reversed().prefix { $0.isNumber }.reversed()))
    }

    /// Keeps reading on a thread of its own so the server never blocks on a
    /// full pipe.
    private static func drain(_ handle: FileHandle, into log: LogBuffer) {
        Thread {
            while case let data = handle.availableData, !data.isEmpty {
                log.append(String(decoding: data, as: UTF8.self))
            }
        }.start()
    }

    /// Everything the server wrote to its error log so far.
    public var errors: String { errorLog.text }

    /// The admin listener's port, from its `listening on` line, waited for
    /// (it may still be on its way through the stderr pipe); nil if the
    /// line does not come within 10 s.
    public func adminPort() async -> Int? {
        let prefix = #"admin listener \(metrics, status, health\) on"#
        var port: Int?
        _ = await Processes.eventually {
            port = Self.port(in: errors, after: prefix)
            return port != nil
        }
        return port
    }

    /// Sends SIGTERM (a graceful stop) and waits for the exit status. A
    /// server still running `exitBound` seconds later is killed (SIGKILL)
    /// and the call throws, rather than waiting for ever.
    public func terminate() async throws -> Int32 {
        kill(pid, SIGTERM)
        return try await exitStatus()
    }

    /// Runs `body`, then stops the server (SIGTERM) whether `body` threw or
    /// not; returns the exit status, or rethrows what `body` threw.
    public func stopping(after body: () async throws -> Void) async throws -> Int32 {
        do {
            try await body()
        } catch {
            _ = try? await terminate()
            throw error
        }
        return try await terminate()
    }

    /// Waits for the process to exit (stopped by other means) and returns
    /// its exit status.
    public func exitStatus() async throws -> Int32 {
        let process = self.process
        if await !Processes.eventually(seconds: Self.exitBound, { !process.isRunning }) {
            if process.isRunning { kill(pid, SIGKILL) }
            _ = await Processes.eventually(seconds: 5) { !process.isRunning }
            throw RawClientError.malformed("hearth (pid \(pid)) still running \(Self.exitBound) s after SIGTERM; killed")
        }
        return process.terminationStatus
    }
}

/// Text appended from one thread and read from others.
final class LogBuffer: Sendable {
    private let storage = Mutex("")
    func append(_ more: String) { storage.withLock { $0 += more } }
    var text: String { storage.withLock { $0 } }
}
