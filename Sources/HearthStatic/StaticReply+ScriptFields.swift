import NIOHTTP1

extension StaticReply {
    /// The file's own fields, which a script's cannot replace: the static
    /// rules decide the type, the validators and the framing.
    static let fileFields: Set<String> = [
        "content-type", "content-length", "content-range", "etag", "last-modified", "accept-ranges", "status", "location",
    ]

    /// Adds a script's other fields (Content-Disposition, Set-Cookie,
    /// Cache-Control) to a file's answer, as mod_xsendfile and nginx keep them.
    mutating func add(_ scriptHeaders: HTTPHeaders) {
        let kept = scriptHeaders.filter { !Self.fileFields.contains($0.name.lowercased()) }
        switch self {
        case .file(let file, let status, let range, var headers):
            headers.add(contentsOf: kept)
            self = .file(file, status: status, range: range, headers: headers)
        case .loaded(let body, let status, var headers):
            headers.add(contentsOf: kept)
            self = .loaded(body, status: status, headers: headers)
        case .notModified(var headers):
            headers.add(contentsOf: kept)
            self = .notModified(headers)
        case .redirect, .page, .error:
            break
        }
    }
}
