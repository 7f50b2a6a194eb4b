import Foundation
import HearthTesting
import Testing

/// Every `$ curl …   # STATUS` line of docs/publisher.md, run as written
/// (the port substituted) against a fresh address-book server, in order:
/// its status and its output must be what the page shows.
@Suite struct DocCurlTests {
    struct Example {
        var line: Int
        var command: String
        var status: Int
        var output: [String]
    }

    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/publisher.md")

    /// A `$ curl` line, its `# STATUS` comment, and the lines after it up to
    /// the next command, a blank line or the end of the block.
    static func examples(in text: String) throws -> [Example] {
        var examples: [Example] = []
        var current: Example?
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            if line.hasPrefix("$ curl ") {
                if let current { examples.append(current) }
                let parts = line.dropFirst(2).components(separatedBy: "   # ")
                let status = try #require(parts.count == 2 ? Int(parts[1]) : nil, "line \(index + 1) has no '   # STATUS'")
                current = Example(line: index + 1, command: parts[0], status: status, output: [])
            } else if line.isEmpty || line.hasPrefix("```") || line.hasPrefix("$ ") {
                if let current { examples.append(current) }
                current = nil
            } else {
                current?.output.append(line)
            }
        }
        if let current { examples.append(current) }
        return examples
    }

    @Test func everyCurlExampleWorksAsWritten() async throws {
        let text = try String(contentsOf: Self.docs, encoding: .utf8)
        let examples = try Self.examples(in: text)
        let curlLines = text.components(separatedBy: "\n").filter { $0.hasPrefix("$ curl") || $0.hasPrefix("curl ") }
        #expect(examples.count == curlLines.count, "every curl line is a checked example")
        try #require(examples.count >= 12)
        let directory = try TemporaryDirectory()
        let server = try await HearthProcess.launch(
            HearthProcess.builtExecutable("addressbook-server"), arguments: ["--port", "0"], workingDirectory: directory.path
        )
        for example in examples {
            let command = example.command.replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(server.port)")
                .replacingOccurrences(of: "curl ", with: #"curl -w '\n%{http_code}' "#, options: .anchored)
            let (status, output) = try await Self.run(command)
            #expect(status == example.status, "docs/publisher.md:\(example.line): \(example.command)")
            #expect(output == example.output, "docs/publisher.md:\(example.line): \(example.command)")
        }
        #expect(try await server.terminate() == 0)
        withExtendedLifetime(directory) {}
    }

    /// Runs `command` with sh, on a thread of its own; returns the status
    /// curl wrote last and the lines before it.
    static func run(_ command: String) async throws -> (Int, [String]) {
        let text: String = try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/bin/sh")
                    process.arguments = ["-c", command]
                    let output = Pipe()
                    process.standardOutput = output
                    try process.run()
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return String(decoding: data, as: UTF8.self)
                })
            }.start()
        }
        var lines = text.components(separatedBy: "\n")
        let status = Int(lines.removeLast()) ?? 0
        while lines.last == "" { lines.removeLast() }
        return (status, lines)
    }
}
