/// The probes that shape their output: broken headers, framing fields,
/// size, timing, stderr and exit status.
extension Probes {
    /// bad-header.sh (RFC 3875 §6.3; SECURITY.md "response splitting"): a
    /// broken or hostile header block chosen by QUERY_STRING, then a body.
    static func badHeader(_ request: ProbeRequest) throws {
        let variant = request.variable("QUERY_STRING") ?? ""
        if variant == "huge" {
            // A 1 MiB field: awk's 16384 × "%064d".
            try request.out("Content-Type: text/plain\nX-Huge: ")
            for block in stride(from: 0, to: 16384, by: 1024) {
                try request.out((block..<block + 1024).map { padded($0, width: 64) }.joined())
            }
            try request.out("\n\n")
        } else if let head = badHeaderBlock(variant) {
            try request.out(head)
            if variant == "unterminated" { return }  // `exit 0`: no blank line, no body
        } else {
            try request.out("Status: 400 Bad Request\nContent-Type: text/plain\n\nunknown variant\n")
            return
        }
        try request.out("bad-header body\n")
    }

    static func badHeaderBlock(_ variant: String) -> String? {
        switch variant {
        case "cr": "Content-Type: text/plain\nX-Probe: a\rX-Injected: yes\n\n"
        case "nul": "Content-Type: text/plain\nX-Probe: a\u{0}b\n\n"
        case "fold": "Content-Type: text/plain\nX-Probe: first\n  X-Injected: yes\n\n"
        case "name": "Content-Type: text/plain\nX Injected: yes\n\n"
        case "nocolon": "Content-Type: text/plain\nthis line is not a header field\n\n"
        case "space-before-colon": "Content-Type: text/plain\nX-Probe : spaced\n\n"
        case "dup-ctype": "Content-Type: text/plain\nContent-Type: text/html\n\n"
        case "dup-status": "Status: 200 OK\nStatus: 404 Not Found\nContent-Type: text/plain\n\n"
        case "status-abc": "Status: abc\nContent-Type: text/plain\n\n"
        case "status-2digit": "Status: 99 Too Small\nContent-Type: text/plain\n\n"
        case "status-4digit": "Status: 2000 Too Big\nContent-Type: text/plain\n\n"
        case "unterminated": "Content-Type: text/plain\nX-Probe: no blank line follows\n"
        default: nil
        }
    }

    /// framing.sh (§6.3.4; SECURITY.md "framing confusion"): fields that
    /// belong to the server's framing, by QUERY_STRING; body "0123456789\n".
    static func framing(_ request: ProbeRequest) throws {
        let head: String
        switch request.variable("QUERY_STRING") ?? "" {
        case "te": head = "Content-Type: text/plain\nTransfer-Encoding: chunked\n\n"
        case "connection": head = "Content-Type: text/plain\nConnection: keep-alive\nKeep-Alive: timeout=600, max=1000\n\n"
        case "upgrade": head = "Content-Type: text/plain\nUpgrade: h2c\nConnection: Upgrade\n\n"
        case "cl-twice": head = "Content-Type: text/plain\nContent-Length: 5\nContent-Length: 11\n\n"
        case "cl-over": head = "Content-Type: text/plain\nContent-Length: 100\n\n"
        case "cl-under": head = "Content-Type: text/plain\nContent-Length: 4\n\n"
        default:
            try request.out("Status: 400 Bad Request\nContent-Type: text/plain\n\nunknown variant\n")
            return
        }
        try request.out(head + "0123456789\n")
    }

    /// big.sh (§6.4): 16384 numbered 64-byte lines (awk's "%063d\n"), then
    /// END-OF-BIG-OUTPUT; written as it is made, in 64 KiB pieces.
    static func big(_ request: ProbeRequest) throws {
        try request.out("Content-Type: text/plain\n\n")
        for block in stride(from: 0, to: 16384, by: 1024) {
            try request.out((block..<block + 1024).map { padded($0, width: 63) + "\n" }.joined())
        }
        try request.out("END-OF-BIG-OUTPUT\n")
    }

    /// slow.sh (§6.4): part of the body, `sleep 1`, the rest.
    static func slow(_ request: ProbeRequest) throws {
        try request.out("Content-Type: text/plain\n\nbefore the pause\n")
        try request.sleep(seconds: 1)
        try request.out("after the pause\n")
    }

    /// hang.sh (SECURITY.md "scripts that hang"): `sleep 600`, no output.
    /// The host's busy timeout must answer 504 and stop the worker.
    static func hang(_ request: ProbeRequest) throws {
        try request.sleep(seconds: 600)
    }

    /// stderr.sh (SECURITY.md "debug output"): a marker on stderr (or 256 KiB
    /// of it with ?flood), then a normal document.
    static func stderr(_ request: ProbeRequest) throws {
        if request.variable("QUERY_STRING") == "flood" {
            for block in stride(from: 0, to: 4096, by: 512) {
                try request.err((block..<block + 512).map { "STDERR-PROBE-MARKER flood line \(padded($0, width: 50))\n" }.joined())
            }
        } else {
            try request.err("STDERR-PROBE-MARKER: this must never reach the client\n")
        }
        try request.out("Content-Type: text/plain\n\nstdout only\n")
    }

    /// stderr-fail.sh (SECURITY.md "debug output"): a secret on stderr, then
    /// `exit 1` with no output.
    static func stderrFail(_ request: ProbeRequest) throws -> UInt32 {
        try request.err("STDERR-PROBE-MARKER: /secret/path/config.php line 42: password=hunter2\n")
        return 1
    }

    /// exit1.sh (§6.1): `exit 1` without output. A worker must outlive its
    /// request, so the exit status travels as END_REQUEST's appStatus
    /// (FastCGI 1.0 §5.5) and the process stays.
    static func exit1() -> UInt32 { 1 }

    /// printf's "%0Nd".
    static func padded(_ number: Int, width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// status-1xx.sh (RFC 3875 §6.3.3, RFC 9110 §15.2): an interim status
    /// as if it were final, chosen by QUERY_STRING, then a body.
    static func status1xx(_ request: ProbeRequest) throws {
        let status = switch request.variable("QUERY_STRING") ?? "" {
        case "100": "100 Continue"
        case "103": "103 Early Hints"
        default: "101 Switching Protocols"
        }
        try request.out("Status: \(status)\nContent-Type: text/plain\n\nstatus-1xx body\n")
    }
}
