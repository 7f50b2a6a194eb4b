/// Every temperature answers a failed handler the same way: through
/// `ErrorMapping`, with the error's line handed to that temperature's log
/// (the server's logger hot; stderr, which the server logs, cold and warm).
extension HearthHandler {
    /// The handler's response, or the mapped error response and its log line.
    package func respondMappingErrors(to request: HearthRequest) async -> (response: HearthResponse, logMessage: String?) {
        do {
            return (try await handle(request), nil)
        } catch {
            let mapped = ErrorMapping.response(for: error)
            return (mapped.response, mapped.logMessage)
        }
    }
}
