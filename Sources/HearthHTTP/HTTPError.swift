import NIOHTTP1

/// An error that has an HTTP status: the one place where failures become
/// responses (STYLE.md 9). `message` goes to the log, never to the client.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponseStatus
    public var message: String
    public var extraHeaders: [(String, String)]

    public init(_ status: HTTPResponseStatus, _ message: String = "", headers: [(String, String)] = []) {
        self.status = status
        self.message = message
        self.extraHeaders = headers
    }

    public var description: String { "\(status.code) \(status.reasonPhrase): \(message)" }
}

extension HTTPError {
    /// RFC 3875 §5: an NPH script's output reaches the client unmodified,
    /// which needs a connection of its own; an HTTP/2 stream is a share of
    /// one, framed by the server. So over HTTP/2 the script is not run
    /// (docs/http2.md, "NPH scripts").
    public static func nphOverHTTP2(_ script: String) -> HTTPError {
        HTTPError(.badGateway, "\(script): an NPH script cannot own an HTTP/2 stream (RFC 3875 §5 needs the raw connection); serve it over HTTP/1.1")
    }
}

/// The short page sent with an error status: status line text only, so no
/// internal detail leaks (SECURITY.md).
enum ErrorPage {
    static func body(for status: HTTPResponseStatus) -> String {
        "<!DOCTYPE html>\n<title>\(status.code) \(status.reasonPhrase)</title>\n<h1>\(status.code) \(status.reasonPhrase)</h1>\n"
    }
}
