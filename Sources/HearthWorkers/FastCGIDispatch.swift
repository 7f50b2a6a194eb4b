import HearthCGI
import HearthScripts
import HearthHTTP
import HearthRelay
import Logging

/// Runs one request on a backend: lease, exchange, and one more try on a
/// fresh connection when the first closed without a word — a worker that
/// died between requests — as nginx's `fastcgi_next_upstream error` does,
/// and only where a repeat is harmless: an idempotent method (RFC 9110
/// §9.2.2) whose body, if any, is still in hand; or any method with its
/// body in hand when the worker had left by itself (exit status 0, before
/// any record): it ended its loop and never took the request (gitweb
/// after each error page, php-cgi after PHP_FCGI_MAX_REQUESTS).
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
        // A small body is read whole first, so a second try has it.
        let input = try await input.inHandIfSmall()
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
                guard attempt == 1, Self.mayRepeat(request, input: input, workerLeft: vanished.workerLeft) else { throw vanished.error }
                let why = vanished.workerLeft ? "the worker had left by itself (status 0)" : "the method is idempotent"
                logger.notice(
                    "FastCGI connection closed before an answer; trying once more", metadata: ["fastcgi": "\(label)", "was": "\(lease.origin)", "because": "\(why)"])
                attempt += 1
            }
        }
    }

    static func mayRepeat(_ request: Request, input: ScriptInput, workerLeft: Bool) -> Bool {
        switch input {
        case .none, .memory: break
        case .stream, .file: return false
        }
        let idempotent: Set<String> = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]
        return workerLeft || idempotent.contains(request.head.method.rawValue)
    }
}
