import HearthWeb

/// Adds named values to the scope of every page a `ServerPages` renders,
/// computed per request: the session, the signed-in user, anything an
/// earlier step of the request attached to `request.locals`. The values
/// are merged over the standard scope (`request`, `form`, `cookies`), in
/// the order the providers were added; a name given twice keeps the last.
///
/// A provider that throws stops the page: a `HearthError` becomes its
/// status (a session store's 503, say), anything else a logged 500.
public protocol PageScopeProvider: Sendable {
    func scope(for request: HearthRequest) async throws -> [String: any Sendable]
}

/// A scope provider from a closure:
///
///     pages.addScope { request in ["user": request.remoteUser ?? "guest"] }
public struct PageScopeFunction: PageScopeProvider {
    let body: @Sendable (HearthRequest) async throws -> [String: any Sendable]

    public init(_ body: @escaping @Sendable (HearthRequest) async throws -> [String: any Sendable]) {
        self.body = body
    }

    public func scope(for request: HearthRequest) async throws -> [String: any Sendable] {
        try await body(request)
    }
}
