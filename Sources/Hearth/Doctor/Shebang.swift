import HearthCGI

/// The `#!` line of a script, read as the kernel reads it (binfmt_script):
/// up to the first LF, words split at spaces and tabs, a CR kept as part of
/// the last word. That kept CR is why a script saved on Windows fails with
/// "/bin/sh^M: bad interpreter".
struct Shebang {
    /// The words after `#!`, without the CR of a CRLF line end.
    let words: [String]
    /// The line ends in CR LF.
    let endsInCR: Bool

    /// Nil when the bytes do not start with `#!`.
    init?(fileStart bytes: [UInt8]) {
        guard bytes.starts(with: Array("#!".utf8)) else { return nil }
        var line = bytes.dropFirst(2).prefix { $0 != UInt8(ascii: "\n") }
        endsInCR = line.last == UInt8(ascii: "\r")
        if endsInCR { line = line.dropLast() }
        words = String(decoding: line, as: UTF8.self)
            .split { $0 == " " || $0 == "\t" }
            .map(String.init)
    }

    /// The program the kernel runs; "" for a bare `#!`.
    var interpreter: String { words.first ?? "" }

    /// The word the CR of a CRLF line end sticks to.
    var lastWord: String { words.last ?? "" }

    /// The line names Python, directly or through `env`.
    var mentionsPython: Bool { words.contains { $0.contains("python") } }

    /// What the line names that cannot be run: the interpreter itself, or,
    /// for `#!/usr/bin/env python3`, the command env would look up on
    /// `searchPath`. Nil when everything is there.
    func missingProgram(searchPath: [String], fileSystem: some CGIFileSystem) -> String? {
        func runnable(_ path: String) -> Bool {
            fileSystem.kind(of: path) == .file(executable: true)
        }
        guard runnable(interpreter) else { return interpreter }
        // env's own options (-S, -i) and assignments (NAME=value) precede the command.
        guard interpreter.hasSuffix("/env"),
            let command = words.dropFirst().first(where: { !$0.hasPrefix("-") && !$0.contains("=") })
        else { return nil }
        if command.contains("/") { return runnable(command) ? nil : command }
        return searchPath.contains { runnable($0 + "/" + command) } ? nil : command
    }
}
