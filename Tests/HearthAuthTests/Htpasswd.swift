import Foundation

/// Apache's real `htpasswd` tool (apache2-utils): every hash a test verifies
/// was written by it, not by the code under test.
enum Htpasswd {
    /// `htpasswd -nb<flag> user password`: one `user:hash` line.
    static func line(_ flag: String, user: String, password: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/htpasswd")
        process.arguments = ["-nb" + flag, user, password]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The hash alone.
    static func hash(_ flag: String, password: String) throws -> String {
        String(try line(flag, user: "u", password: password).dropFirst(2))
    }
}
