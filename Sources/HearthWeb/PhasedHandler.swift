/// A handler wrapped in mod_python's request phases (docs/handlers.md,
/// "Request phases", has the rules and the directive table):
///
/// access → authentication → authorization → fixup → handler → log → cleanup
///
/// Each phase dispatches its hooks the way Apache dispatches the modules
/// hooked into it: access and fixup run every hook until one answers
/// (Apache's RUN_ALL); authentication and authorization stop at the first
/// `.ok` (RUN_FIRST), and when every hook declines the request is a 500,
/// as Apache's "configuration error: couldn't check user" is. A `.respond`
/// or a thrown error skips to log; log and cleanup always run.
public struct PhasedHandler: HearthHandler {
    public let handler: any HearthHandler
    public private(set) var accessHooks: [RequestHook] = []
    public private(set) var authenticationHooks: [RequestHook] = []
    public private(set) var authorizationHooks: [RequestHook] = []
    public private(set) var fixupHooks: [RequestHook] = []
    public private(set) var logHooks: [LogHook] = []
    public private(set) var cleanupHooks: [CleanupHook] = []

    public init(_ handler: any HearthHandler) {
        self.handler = handler
    }

    /// PythonAccessHandler: checks that need no user (address, time, method).
    public func access(_ hook: @escaping RequestHook) -> PhasedHandler { with { $0.accessHooks.append(hook) } }
    /// PythonAuthenHandler: who is asking; `request.authenticate(user:type:)`.
    public func authentication(_ hook: @escaping RequestHook) -> PhasedHandler { with { $0.authenticationHooks.append(hook) } }
    /// PythonAuthzHandler: may that user have this resource.
    public func authorization(_ hook: @escaping RequestHook) -> PhasedHandler { with { $0.authorizationHooks.append(hook) } }
    /// PythonFixupHandler: last changes to the request before the handler.
    public func fixup(_ hook: @escaping RequestHook) -> PhasedHandler { with { $0.fixupHooks.append(hook) } }
    /// PythonLogHandler: runs once the request has its response.
    public func log(_ hook: @escaping LogHook) -> PhasedHandler { with { $0.logHooks.append(hook) } }
    /// PythonCleanupHandler: runs last, even after an error.
    public func cleanup(_ hook: @escaping CleanupHook) -> PhasedHandler { with { $0.cleanupHooks.append(hook) } }

    /// Runs the phases. A thrown error is mapped (ErrorMapping) for the log
    /// phase to see, then rethrown after cleanup, so the adapter logs its
    /// internals and sends the same status.
    public func handle(_ request: HearthRequest) async throws -> HearthResponse {
        var request = request
        let result: Result<HearthResponse, any Error>
        do {
            result = .success(try await respond(&request))
        } catch {
            result = .failure(error)
        }
        let response = switch result {
        case .success(let response): response
        case .failure(let error): ErrorMapping.response(for: error).response
        }
        for hook in logHooks { await hook(request, response) }
        for hook in cleanupHooks { await hook(request) }
        return try result.get()
    }

    private func respond(_ request: inout HearthRequest) async throws -> HearthResponse {
        if let answer = try await Self.runAll(accessHooks, &request) { return answer }
        // Apache runs these two only when the resource requires a user
        // (ap_some_auth_required); here, when either phase has a hook.
        if !authenticationHooks.isEmpty || !authorizationHooks.isEmpty {
            if let answer = try await Self.runFirst(authenticationHooks, &request, "authentication") { return answer }
            if let answer = try await Self.runFirst(authorizationHooks, &request, "authorization") { return answer }
        }
        if let answer = try await Self.runAll(fixupHooks, &request) { return answer }
        return try await handler.handle(request)
    }

    /// RUN_ALL: every hook runs while each says `.ok` or `.declined`.
    private static func runAll(_ hooks: [RequestHook], _ request: inout HearthRequest) async throws -> HearthResponse? {
        for hook in hooks {
            if case .respond(let response) = try await hook(&request) { return response }
        }
        return nil
    }

    /// RUN_FIRST: the first `.ok` ends the phase; all declining is a 500.
    private static func runFirst(_ hooks: [RequestHook], _ request: inout HearthRequest, _ phase: String) async throws -> HearthResponse? {
        for hook in hooks {
            switch try await hook(&request) {
            case .ok: return nil
            case .declined: continue
            case .respond(let response): return response
            }
        }
        throw HearthError.status(.internalServerError, "configuration error: no \(phase) hook accepted the request (\(hooks.count) declined)")
    }

    private func with(_ change: (inout PhasedHandler) -> Void) -> PhasedHandler {
        var copy = self
        change(&copy)
        return copy
    }
}
