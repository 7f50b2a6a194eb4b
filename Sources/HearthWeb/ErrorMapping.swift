import HTTPTypes
import HearthHTTP
import NIOCore
import NIOHTTP1

/// The one place a handler's failure becomes a response (STYLE.md §9): an
/// `HTTPFailure` (`HearthError`, `HTTPError`) gets its status, its fields
/// and a short page; anything else is a 500 whose description goes to the
/// log only, so internals never reach the client. Every temperature's
/// adapter calls this.
public enum ErrorMapping {
    /// The response for `error`, and the line to log for it.
    public static func response(for error: any Error) -> (response: HearthResponse, logMessage: String) {
        // `HearthError`, and the transport's own refusals (a body over the
        // mount's limit: 413; a malformed or cut-off body: 400, 408) however
        // the handler passed them on.
        guard let failure = error as? any HTTPFailure else {
            return (page(.internalServerError), "handler failed: \(error)")
        }
        // With its reason phrase: the page names the status in words.
        let code = failure.statusCode
        var response = page(HTTPResponse.Status(code: code, reasonPhrase: HTTPResponseStatus(statusCode: code).reasonPhrase))
        for (name, value) in failure.responseFields {
            if let name = HTTPField.Name(name) { response.headerFields[name] = value }
        }
        if let text = failure.clientText { response.body = .bytes(ByteBuffer(string: text)) }
        return (response, failure.logMessage)
    }

    /// A short page naming the status, and nothing else.
    static func page(_ status: HTTPResponse.Status) -> HearthResponse {
        .text("\(status.code) \(status.reasonPhrase)\n", status: status)
    }
}
