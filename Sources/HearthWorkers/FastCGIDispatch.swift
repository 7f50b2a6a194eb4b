import HearthCGI
import HearthScripts
import HearthHTTP
import HearthRelay
import Logging

/// Runs one request on a backend: lease, exchange, and one more try on a
/// fresh connection when the first closed without a word — a worker that
/// died between requests — as nginx's `fastcgi_next_upstream error` does,
/// and only where a repeat is harmless: an idempotent method (RFC 9110
/// §9.2.2) whose body, if any, is still in hand.
struct FastCGIDispatch {
    let backend: any FastCGIBackend
    let label: String
    let headerRules: CGIHeaderRules
    /// The body bytes an answer may have (`max_output`); nil for no cap.
    let maxOutputBytes: Int?
    /// Sends the files the application names (`X-Sendfile`); nil: none.
    var sendfile: (any ScriptFileSender)? = nil
    let redirector: LocalRedirector
    let logger: Logger

    func run(_ request: Request, params: [(String, String)], input: ScriptInput, writer: consuming ResponseWriter) async throws {
        var slot: ResponseWriter? = consume writer
        var attempt = 1
        while true {
            let lease = try await backend.lease()
            // For the access log (`%{fastcgi}n`, `%{worker}n`).
            request.notes["fastcgi"] = label
            if let worker = lease.worker { request.notes["worker"] = String(worker) }
            let exchange = FastCGIExchange(
                lease: lease, request: request, label: label, headerRules: headerRules, maxOutputBytes: maxOutputBytes, sendfile: sendfile,
                redirector: redirector, logger: logger
            )
            do {
                return try await exchange.run(params: params, input: input, slot: &slot)
            } catch let vanished as FastCGIExchange.Vanished {
                guard attempt == 1, Self.mayRepeat(request, input: input) else { throw vanished.error }
                logger.notice("FastCGI connection closed before an answer; trying once more", metadata: ["fastcgi": "\(label)", "was": "\(lease.origin)"])
                attempt += 1
            }
        }
    }

    static func mayRepeat(_ request: Request, input: ScriptInput) -> Bool {
        let idempotent: Set<String> = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]
        guard idempotent.contains(request.head.method.rawValue) else { return false }
        switch input {
        case .none, .memory: return true
        case .stream, .file: return false
        }
    }
}
