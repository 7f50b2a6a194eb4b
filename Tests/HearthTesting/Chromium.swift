import Foundation

/// Debian's headless Chromium, for tests that look at a page as a browser
/// builds it (`--dump-dom`: the DOM after parsing, serialized again), not
/// as a string search of the bytes sent.
public enum Chromium {
    public static let executable = "/usr/bin/chromium"

    /// The DOM of the page at `url`. Throws if Chromium is missing, fails,
    /// or takes longer than `seconds` (it is then killed).
    public static func dumpDOM(_ url: String, seconds: Int = 90) async throws -> String {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw RawClientError.malformed("\(executable) is missing (Debian's chromium package; .ci/run installs it)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // As root Chromium needs --no-sandbox; no GPU, no first-run work,
        // no profile left behind in the home directory.
        let profile = try TemporaryDirectory()
        defer { withExtendedLifetime(profile) {} }
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)", "--dump-dom", url,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        do {
            let data = try await offload(within: .seconds(seconds)) { output.fileHandleForReading.readDataToEndOfFile() }
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        } catch {
            kill(pid, SIGKILL)
            throw error
        }
    }
}
