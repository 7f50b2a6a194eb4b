/// A Swift handler: written once, it runs cold (as a CGI program), warm (as
/// a FastCGI worker) or hot (in the server's process), unchanged. The
/// temperature is where it is mounted, not how it is written.
public protocol HearthHandler: Sendable {
    func handle(_ request: HearthRequest) async throws -> HearthResponse
}

/// A handler from a closure.
public struct HandlerFunction: HearthHandler {
    let body: @Sendable (HearthRequest) async throws -> HearthResponse

    public init(_ body: @escaping @Sendable (HearthRequest) async throws -> HearthResponse) {
        self.body = body
    }

    public func handle(_ request: HearthRequest) async throws -> HearthResponse {
        try await body(request)
    }
}
