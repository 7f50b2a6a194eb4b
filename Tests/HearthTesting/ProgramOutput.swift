import Foundation

/// Runs a program to its end and returns what it wrote to standard output,
/// for tests that read a tool's answer (`objdump`, `id`, `hearth doctor`).
/// Standard error is left alone.
public enum ProgramOutput {
    public static func of(_ program: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }
}
