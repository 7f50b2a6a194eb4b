import HTTPTypes
import HearthWeb

/// A guestbook, written once against the handler API: it runs cold (as a
/// CGI program), warm (as a FastCGI worker), hot (mounted in a server's
/// process) or on its own, unchanged (issue #6, docs/migrating.md).
///
/// `GET /` lists the entries and shows the form; `POST /` appends one and
/// answers 303 See Other to the list (post/redirect/get), so reloading the
/// list never posts twice.
public struct Guestbook: HearthHandler {
    /// Where entries live: a file, because cold processes share no memory.
    public let store: GuestbookStore

    public init(file: String) {
        self.store = GuestbookStore(path: file)
    }

    public func handle(_ request: HearthRequest) async throws -> HearthResponse {
        // PATH_INFO (RFC 3875 §4.1.5): "" or "/" is the book; nothing else exists.
        guard request.pathInfo.isEmpty || request.pathInfo == "/" else { throw HearthError.notFound }
        switch request.method {
        case .get, .head:
            return .html(GuestbookPage.render(entries: try store.entries(), action: request.scriptName + "/"))
        case .post:
            try store.append(try await entry(from: request))
            return .redirect(to: request.scriptName + "/")
        default:
            throw HearthError.methodNotAllowed(allowed: [.get, .head, .post])
        }
    }

    /// The posted entry (urlencoded or multipart, HearthWeb's form
    /// parsing); both fields are required.
    private func entry(from request: HearthRequest) async throws -> GuestbookEntry {
        var limits = FormLimits()
        limits.maxBodyBytes = 16 * 1024
        limits.maxFiles = 0
        let form = try await request.form(limits: limits)
        guard let name = form["name"], let message = form["message"], !name.isEmpty, !message.isEmpty else {
            throw HearthError.badRequest("name and message are required")
        }
        return GuestbookEntry(name: String(name.prefix(100)), message: String(message.prefix(2000)))
    }
}
