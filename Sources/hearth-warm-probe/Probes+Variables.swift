#if canImport(Glibc)
import Glibc
#endif

/// The probes that read their meta-variables or their body.
extension Probes {
    /// env.sh (RFC 3875 §4.1): `env | LC_ALL=C sort`. A FastCGI
    /// application's environment for a request is its PARAMS (§6.2), so
    /// those are printed; never reads stdin.
    static func env(_ request: ProbeRequest) throws {
        try request.out("Content-Type: text/plain\n\n")
        try request.out(sortedLines(environment(request)))
    }

    /// target.sh (§6.2.2): like env.sh, plus the line `TARGET=reached`.
    static func target(_ request: ProbeRequest) throws {
        try request.out("Content-Type: text/plain\n\n")
        try request.out(sortedLines(["TARGET=reached"] + environment(request)))
    }

    /// echo.sh (§4.2): the header, then `head -c $CONTENT_LENGTH` of stdin.
    static func echo(_ request: ProbeRequest) throws {
        let length = request.variable("CONTENT_LENGTH")
        try request.out("Content-Type: application/octet-stream\n")
        if let length, !length.isEmpty { try request.out("X-Content-Length: \(length)\n") }
        try request.out("\n")
        try request.copyStdin(count: digits(length), to: request.out)
    }

    /// head.sh (§4.3.3): a body whatever the method; the method in a field.
    static func head(_ request: ProbeRequest) throws {
        try request.out("Content-Type: text/plain\nX-Request-Method: \(request.variable("REQUEST_METHOD") ?? "")\n\n")
        try request.out("HEAD-PROBE-BODY: this body must not reach a HEAD client\n")
    }

    /// local-redirect.sh (§6.2.2): a path-only Location next to itself,
    /// found through SCRIPT_NAME (`${SCRIPT_NAME%/*}`).
    static func localRedirect(_ request: ProbeRequest) throws {
        let scriptName = request.variable("SCRIPT_NAME") ?? ""
        let directory = scriptName.lastIndex(of: "/").map { String(scriptName[..<$0]) } ?? scriptName
        let location =
            switch request.variable("QUERY_STRING") ?? "" {
            case "missing": "\(directory)/no-such-script.sh"
            case "loop": "\(scriptName)?loop"
            case "plain": "\(directory)/plain.txt"
            case "escape": "\(directory)/../../../../../../../../etc/passwd"
            default: "\(directory)/target.sh?from=local"
            }
        try request.out("Location: \(location)\n\n")
    }

    /// argv.sh (§4.4): the words of the command line. A worker's command
    /// line is the pool's `command`, fixed at start; FastCGI carries none per
    /// request, so ISINDEX words can never reach a warm script. The probe
    /// prints its own words, which for a pool command of just the program
    /// is none (`argc=0`).
    static func argv(_ request: ProbeRequest) throws {
        let words = CommandLine.arguments.dropFirst()
        try request.out("Content-Type: text/plain\n\nargc=\(words.count)\n")
        for (index, word) in words.enumerated() {
            try request.out("argv[\(index + 1)]=<\(word)>\n")
        }
    }

    /// pwd.sh (§7.2): is the working directory the script's own? A worker's
    /// working directory is the pool's (`working_directory`, by default the
    /// program's directory), set once; this reports it as it is, without
    /// changing directory per request.
    static func pwd(_ request: ProbeRequest) throws {
        try request.out("Content-Type: text/plain\n\n")
        let here = isRegularFile("./pwd.sh") && isRegularFile("./env.sh")
        try request.out("in_script_dir=\(here ? "yes" : "no")\n")
        try request.out("cwd=\(currentDirectory())\n")
    }

    /// nph-status.sh (§5): the same bytes, status line first. FastCGI has no
    /// raw connection: they reach the host as FCGI_STDOUT, which it parses as
    /// CGI output (§6.2), so the host refuses them (README "Warm").
    static func nphStatus(_ request: ProbeRequest) throws {
        try request.out("\(protocolOrDefault(request)) 299 NPH Probe\r\nContent-Type: text/plain\r\n")
        try request.out("X-NPH-Probe: untouched\r\nConnection: close\r\n\r\nnph body\n")
    }

    /// nph-echo.sh (§4.2, §5): the same as nph-status.sh, echoing the body.
    static func nphEcho(_ request: ProbeRequest) throws {
        try request.out("\(protocolOrDefault(request)) 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n")
        try request.copyStdin(count: digits(request.variable("CONTENT_LENGTH")), to: request.out)
    }
}

// MARK: - Helpers the sh probes get from the shell

extension Probes {
    /// `NAME=value` per PARAMS pair, as `env` prints its environment.
    static func environment(_ request: ProbeRequest) -> [String] {
        request.params.pairs.map { "\($0.name)=\($0.value)" }
    }

    /// `LC_ALL=C sort`: lines in bytewise order, each ended by LF.
    static func sortedLines(_ lines: [String]) -> [UInt8] {
        lines.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 + [0x0A] }
    }

    /// `case $n in '' | *[!0-9]*) n=0`: a count only when all digits.
    static func digits(_ text: String?) -> Int {
        guard let text, !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return 0 }
        return Int(text) ?? Int.max
    }

    /// `${SERVER_PROTOCOL:-HTTP/1.0}`.
    static func protocolOrDefault(_ request: ProbeRequest) -> String {
        let value = request.variable("SERVER_PROTOCOL") ?? ""
        return value.isEmpty ? "HTTP/1.0" : value
    }

    /// `[ -f PATH ]`.
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// `$(pwd)`.
    static func currentDirectory() -> String {
        guard let path = getcwd(nil, 0) else { return "" }
        defer { free(path) }
        return String(cString: path)
    }
}
