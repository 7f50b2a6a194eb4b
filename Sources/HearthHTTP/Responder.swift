/// The one seam of Hearth: CGI directories, FastCGI pools, Swift handlers and
/// static files are all responders. A responder answers through the writer
/// it is given, exactly once (the writer is consumed), or throws; a thrown
/// `HTTPError` before the head was written becomes that status, anything
/// else a 500.
public protocol Responder: Sendable {
    func respond(to request: Request, writer: consuming ResponseWriter) async throws
}
