import HearthHTTP
import NIOCore

extension StaticReply {
    /// Files up to this size are read into memory and leave in the same
    /// write as the head; larger ones go by sendfile(2) (plain) or a copy
    /// per 64 KiB (TLS). For a small file a second write costs more than
    /// the copy saves: a second syscall through the socket layers, a
    /// second TCP segment and wake-up of the client, and the wait for the
    /// region's completion before the file may close (nginx avoids the
    /// extra segment with `tcp_nopush`; bench/PROFILE-static.md). Above a
    /// few pages the copy and the memory held per response grow while the
    /// saving stays one syscall. 16 KiB is also TLS's largest record
    /// (RFC 8446 §5.1): over TLS such a response is one record.
    static let smallBodyLimit = 16 * 1024

    /// This reply with a small file's body read now (`.loaded`), for a GET;
    /// itself otherwise (HEAD, a large or empty body, not a file). Nil when
    /// the file has changed size since it was opened: the caller plans
    /// again rather than send a body that disagrees with its head.
    func loadingSmallBody(for request: Request) -> StaticReply? {
        guard case .file(let file, let status, let range, let headers) = self, request.head.method == .GET, !range.isEmpty,
            file.status.size <= Self.smallBodyLimit
        else { return self }
        defer { file.close() }
        guard let whole = file.readWhole() else { return nil }
        return .loaded(whole.getSlice(at: whole.readerIndex + range.lowerBound, length: range.count)!, status: status, headers: headers)
    }

    /// `plan`'s reply, with a small body read (`loadingSmallBody`). A file
    /// caught changing size is planned again from a fresh open (new size,
    /// new validators); one that keeps changing is 503, never a torn body.
    static func planned(for request: Request, attempts: Int = 3, _ plan: () throws(HTTPError) -> StaticReply) throws(HTTPError) -> StaticReply {
        for _ in 0..<attempts {
            if let reply = try plan().loadingSmallBody(for: request) { return reply }
        }
        throw HTTPError(.serviceUnavailable, "the file changed size while it was read, \(attempts) times", headers: [("Retry-After", "1")])
    }
}
