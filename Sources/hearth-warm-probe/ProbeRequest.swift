import HearthFastCGI
import HearthRun
import NIOCore

/// One request as a probe sees it: the CGI/1.1 meta-variables (the FastCGI
/// PARAMS are exactly these, §6.2), its body as stdin, stdout and stderr —
/// what an sh probe gets from its process, carried in records.
struct ProbeRequest {
    let id: UInt16
    let params: FastCGIParams
    let connection: FastCGIWorkerConnection

    /// `$NAME`: the meta-variable, nil when unset.
    func variable(_ name: String) -> String? { params[name] }

    /// The basename of SCRIPT_FILENAME: which sh probe this request names.
    var scriptName: String {
        let path = variable("SCRIPT_FILENAME") ?? ""
        return String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
    }

    /// `printf` to stdout: written at once, as FCGI_STDOUT (§5.3), so a
    /// pause after it is seen by the client as one.
    func out(_ text: String) throws { try out(Array(text.utf8)) }

    func out(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try connection.writeStdout(ByteBuffer(bytes: bytes), requestID: id)
    }

    /// `>&2`: FCGI_STDERR (§5.3, §6.1).
    func err(_ text: String) throws {
        try connection.writeStderr(ByteBuffer(string: text), requestID: id)
    }

    /// `head -c COUNT`: up to `count` bytes of stdin, handed on as they
    /// arrive; fewer if the body ends first (FCGI_STDIN's empty record).
    func copyStdin(count: Int, to sink: ([UInt8]) throws -> Void) throws {
        var left = count
        while left > 0 {
            let chunk = Array(connection.takeStdin(upTo: left).readableBytesView)
            if !chunk.isEmpty {
                try sink(chunk)
                left -= chunk.count
            } else if connection.stdinEnded {
                return
            } else {
                try connection.waitForInput(until: nil)
            }
        }
    }

    /// `sleep SECONDS`, still reading the connection meanwhile: an abort
    /// (§5.4) or a closed connection ends the probe, as a signal ends an sh
    /// probe when the server gives up on it.
    func sleep(seconds: Int) throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while try connection.waitForInput(until: deadline) {}
    }
}
