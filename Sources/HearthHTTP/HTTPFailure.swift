import NIOHTTP1

/// What makes an error an HTTP answer, said once for every layer: the
/// transport's refusals (`HTTPError`) and the handler API's (`HearthError`,
/// HearthWeb) both conform, so whichever layer catches one — the
/// connection for a plain responder, `ErrorMapping` for a handler — answers
/// it the same (STYLE.md §9: one place where failures become responses).
/// Any other error is a 500 whose description goes to the log only.
public protocol HTTPFailure: Error, Sendable {
    /// The status code the client gets.
    var statusCode: Int { get }
    /// What the error log says: never sent to the client.
    var logMessage: String { get }
    /// Fields the answer carries (`WWW-Authenticate`, `Retry-After`, `Allow`).
    var responseFields: [(String, String)] { get }
    /// A body for the client when the status line alone says too little (a
    /// form field's name and problem, from the code, never the client's
    /// value); nil for the short page that names the status.
    var clientText: String? { get }
}

extension HTTPFailure {
    public var responseFields: [(String, String)] { [] }
    public var clientText: String? { nil }
}

extension HTTPError: HTTPFailure {
    public var statusCode: Int { Int(status.code) }
    public var logMessage: String { message }
    public var responseFields: [(String, String)] { extraHeaders }

    /// The same failure as the transport writes it.
    public init(_ failure: any HTTPFailure) {
        if let error = failure as? HTTPError {
            self = error
        } else {
            self.init(HTTPResponseStatus(statusCode: failure.statusCode), failure.logMessage, headers: failure.responseFields)
        }
    }
}
