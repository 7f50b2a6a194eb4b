import HTTPTypes
import HearthHTTP

/// Errors a handler may throw, each with the status it becomes. Anything
/// else a handler throws is a 500 whose details go to the error log only:
/// internals never reach the client.
public enum HearthError: Error, Sendable, Equatable {
    case badRequest(String)
    /// A form field the handler cannot use (missing, or not of its type):
    /// 400, and the page names the field and the problem. Both come from
    /// the code (the publisher's argument names), never the client's
    /// value, so the page echoes nothing the client sent.
    case invalidField(name: String, problem: String)
    case notFound
    case methodNotAllowed(allowed: [HTTPRequest.Method])
    case payloadTooLarge(limit: Int)
    case unauthorized(realm: String)
    case forbidden
    /// 503 with `Retry-After: seconds` (RFC 9110 §10.2.3): a resource is
    /// busy for now (a session's lock held too long), and the message for
    /// the log says by whom.
    case unavailable(retryAfter: Int, String)
    /// Any status, with a message for the log (not the client).
    case status(HTTPResponse.Status, String)

    /// The one place a handler's error becomes a status (STYLE.md §9).
    public var status: HTTPResponse.Status {
        switch self {
        case .badRequest, .invalidField: .badRequest
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .payloadTooLarge: .contentTooLarge
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .unavailable: .serviceUnavailable
        case .status(let status, _): status
        }
    }
}

/// What the log says of each error: a sentence, not an enum dump.
extension HearthError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .badRequest(let reason): "bad request: \(reason)"
        case .invalidField(let name, let problem): "form field \(name.debugDescription): \(problem)"
        case .notFound: "the handler has nothing at this path"
        case .methodNotAllowed(let allowed): "method not allowed here (allowed: \(allowed.map(\.rawValue).joined(separator: ", ")))"
        case .payloadTooLarge(let limit): "request body over the limit of \(limit) bytes"
        case .unauthorized(let realm): "credentials required for realm \(realm.debugDescription)"
        case .forbidden: "the user may not have this"
        case .unavailable(let seconds, let reason): "unavailable for \(seconds) s: \(reason)"
        case .status(let status, let reason): "\(status.code) \(status.reasonPhrase): \(reason)"
        }
    }
}

/// The handler API's errors in the HTTP layer's one vocabulary: whichever
/// layer catches one (`ErrorMapping` for a handler, the connection for
/// any other responder) answers it with its status and fields.
extension HearthError: HTTPFailure {
    public var statusCode: Int { status.code }
    public var logMessage: String { description }

    public var responseFields: [(String, String)] {
        switch self {
        case .unauthorized(let realm):
            // RFC 7617 §2: the realm, quoted, with backslash and quote escaped.
            let quoted = realm.flatMap { $0 == "\\" || $0 == "\"" ? ["\\", $0] : [$0] }.map(String.init).joined()
            return [("WWW-Authenticate", "Basic realm=\"\(quoted)\", charset=\"UTF-8\"")]
        case .unavailable(let seconds, _):
            return [("Retry-After", "\(max(0, seconds))")]
        case .methodNotAllowed(let allowed):
            return [("Allow", allowed.map(\.rawValue).joined(separator: ", "))]
        default:
            return []
        }
    }

    /// The name quoted and escaped as a Swift literal: a custom CodingKey
    /// may hold any character.
    public var clientText: String? {
        guard case .invalidField(let name, let problem) = self else { return nil }
        return "400 Bad Request\nfield \(name.debugDescription): \(problem)\n"
    }
}
