import HTTPTypes
import HearthHTTP
import NIOCore

/// The one place a handler's failure becomes a response (STYLE.md §9): a
/// `HearthError` gets its status and a short page; anything else is a 500
/// whose description goes to the log only, so internals never reach the
/// client. Every temperature's adapter calls this.
public enum ErrorMapping {
    /// The response for `error`, and the line to log for it.
    public static func response(for error: any Error) -> (response: HearthResponse, logMessage: String) {
        // The transport's own refusals (a body over the mount's limit: 413;
        // a malformed or cut-off body: 400, 408) keep their status, however
        // the handler passed them on.
        if let error = error as? HTTPError {
            var response = page(HTTPResponse.Status(code: Int(error.status.code)))
            for (name, value) in error.extraHeaders { if let name = HTTPField.Name(name) { response.headerFields[name] = value } }
            return (response, error.message)
        }
        guard let error = error as? HearthError else {
            return (page(.internalServerError), "handler failed: \(error)")
        }
        var response = page(error.status)
        switch error {
        case .unauthorized(let realm):
            // RFC 7617 §2: the realm, quoted, with backslash and quote escaped.
            let quoted = realm.flatMap { $0 == "\\" || $0 == "\"" ? ["\\", $0] : [$0] }.map(String.init).joined()
            response.headerFields[.wwwAuthenticate] = "Basic realm=\"\(quoted)\", charset=\"UTF-8\""
        case .unavailable(let seconds, _):
            response.headerFields[.retryAfter] = "\(max(0, seconds))"
        case .methodNotAllowed(let allowed):
            response.headerFields[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
        case .invalidField(let name, let problem):
            // The name quoted and escaped as a Swift literal: a custom
            // CodingKey may hold any character.
            response.body = .bytes(ByteBuffer(string: "400 Bad Request\nfield \(name.debugDescription): \(problem)\n"))
        default:
            break
        }
        return (response, "\(error)")
    }

    /// A short page naming the status, and nothing else.
    static func page(_ status: HTTPResponse.Status) -> HearthResponse {
        .text("\(status.code) \(status.reasonPhrase)\n", status: status)
    }
}
