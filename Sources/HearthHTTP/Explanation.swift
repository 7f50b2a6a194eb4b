/// What a responder would do with a request, found on the same code paths
/// as `respond` but without doing it: no script started, no worker asked,
/// no byte sent (`hearth explain`).
public struct Explanation: Sendable {
    /// How the request runs, in words: `static file`, `CGI script`,
    /// `interpreter /usr/bin/php-cgi`, `FastCGI pool …`.
    public var handler: String
    /// The file that answers, when one does.
    public var file: String?
    /// More facts, one line each (`301 to /docs/`, `behind Basic
    /// authentication`).
    public var notes: [String]
    /// The environment (CGI) or PARAMS (FastCGI) the program would receive,
    /// in the order it would receive them; nil when nothing runs.
    public var environment: [(name: String, value: String)]?

    public init(handler: String, file: String? = nil, notes: [String] = [], environment: [(name: String, value: String)]? = nil) {
        self.handler = handler
        self.file = file
        self.notes = notes
        self.environment = environment
    }
}

/// A responder that can say what it would do with a request. `explain`
/// throws the `HTTPError` that `respond` would answer with (404 for no
/// file, 403, 400 for a path that does not read), so an explanation and an
/// answer cannot disagree.
public protocol ExplainingResponder: Responder {
    func explain(_ request: Request) throws -> Explanation
}
