import Foundation

/// Runs a program to its end and returns what it wrote, for tests that
/// read a tool's answer (`objdump`, `id`, `hearth doctor`, `hearth check`,
/// `systemd-analyze`).
public enum ProgramOutput {
    /// Standard output; standard error is left alone.
    public static func of(_ program: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        try run(program, arguments, in: directory, withErrors: false).output
    }

    /// The exit status, and standard output and error together.
    public static func run(_ program: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
        try run(program, arguments, in: directory, withErrors: true)
    }

    /// `run`, on a thread of its own rather than the cooperative pool: for
    /// a client program (`curl`) talking to a server in this process.
    public static func runAside(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await offload { try run(program, arguments, in: nil, withErrors: true) }
    }

    private static func run(_ program: String, _ arguments: [String], in directory: String?, withErrors: Bool) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        if withErrors { process.standardError = pipe }
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
