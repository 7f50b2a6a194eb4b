import HearthCGI
import HearthHTTP
import NIOCore

/// Where a script's CGI/1.1 output (RFC 3875 §6) comes from: a cold
/// script's stdout pipe, or a FastCGI application's STDOUT records (FastCGI
/// 1.0 §6.2: a Responder's STDOUT *is* CGI output). `ScriptResponseRelay`
/// reads it the same way for both; the door that owns the producer says
/// what the end of the output means, and stops the producer when the relay
/// gives up on it.
package protocol ScriptOutputSource {
    /// The next chunk of output; nil once it ended (end of file,
    /// FCGI_END_REQUEST, the connection closed).
    mutating func next() async throws -> ByteBuffer?

    /// Every chunk still to come, when the output has already ended and
    /// all of it is in hand (no waiting); nil while more may come. The
    /// usual small answer: it leaves in one write with a `Content-Length`.
    mutating func takeRestIfEnded() throws -> [ByteBuffer]?

    /// Why a head that is complete must not be written now: the door's
    /// watch gave up on the request (a timeout, the client leaving). Nil to
    /// go on.
    func interruption() -> HTTPError?

    /// The output ended before a complete head (`missing` says what the
    /// parser lacked): the error to answer with.
    func endedBeforeHead(_ missing: CGIOutputError) -> HTTPError

    /// The output ended after its head: nil when it is the whole answer;
    /// otherwise why not (a timeout, a kill, a connection closed without
    /// FCGI_END_REQUEST), and the response is cut off, never ended as if
    /// it were whole.
    mutating func endVerdict() async -> HTTPError?

    /// The relay gives up on the output: stop whatever produces it.
    func abandon(_ reason: ScriptRelayAbandon)
}

/// Why the relay stopped reading a script's output before its end.
package enum ScriptRelayAbandon: Sendable {
    /// A malformed head, or output over the cap: the script's fault.
    case badOutput
    /// Writing to the client failed.
    case clientGone
}

/// What relaying a script's output came to.
package enum ScriptRelayOutcome {
    /// The response was written (the writer is gone from the slot).
    case responded
    /// §6.2.2: the script asked for another URL of this site; the writer
    /// is still in the slot, for the door to re-dispatch once it is done.
    case localRedirect(String)
    /// Nothing was written: the door answers with this error.
    case failed(HTTPError)
}
