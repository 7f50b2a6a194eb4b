import HearthHTTP
import NIOHTTP1

/// A file a script names instead of sending a body (lighttpd's and
/// mod_xsendfile's `X-Sendfile: /absolute/path`, nginx's
/// `X-Accel-Redirect: /uri`): the server sends it, so a large download
/// does not hold a script process, and the field never reaches the client.
package enum ScriptFileTarget: Sendable, Equatable, CustomStringConvertible {
    case path(String)
    case uri(String)

    /// The fields that name a file, lowercased.
    static let fieldNames: Set<String> = ["x-sendfile", "x-accel-redirect"]

    /// The target the script's fields name; nil when none does.
    package init?(_ headers: HTTPHeaders) {
        if let path = headers.first(name: "x-sendfile") {
            self = .path(path)
        } else if let uri = headers.first(name: "x-accel-redirect") {
            self = .uri(uri)
        } else {
            return nil
        }
    }

    /// The script's other fields, kept beside the file's own: every
    /// field that names a file, and nginx's other `X-Accel-*`, removed.
    package static func otherFields(of headers: HTTPHeaders) -> HTTPHeaders {
        var rest = headers
        for field in headers where field.name.lowercased().hasPrefix("x-accel-") || fieldNames.contains(field.name.lowercased()) {
            rest.remove(name: field.name)
        }
        return rest
    }

    package var description: String {
        switch self {
        case .path(let path): "X-Sendfile: \(path)"
        case .uri(let uri): "X-Accel-Redirect: \(uri)"
        }
    }
}

/// Sends the file a script named, with the static rules (ranges,
/// conditional requests, content type), or refuses it (502, a log line)
/// when it lies outside the directories the mount allows. HearthStatic
/// provides it; the relay calls it, so cold and warm scripts alike.
package protocol ScriptFileSender: Sendable {
    /// Answers the request, whatever the outcome: the file, or the error.
    /// `headers` are the script's other fields (Content-Disposition,
    /// Set-Cookie, Cache-Control), kept beside the file's own.
    func send(_ target: ScriptFileTarget, request: Request, headers: HTTPHeaders, label: String, writer: consuming ResponseWriter) async throws
}
