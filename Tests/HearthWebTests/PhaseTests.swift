import HTTPTypes
import HearthWeb
import Testing

/// What ran, in order.
actor Trace {
    private(set) var events: [String] = []
    func add(_ event: String) { events.append(event) }
}

struct InternalFailure: Error, CustomStringConvertible {
    var description: String { "secret connection string postgres://admin:pw@db" }
}

@Suite("Request phases")
struct PhaseTests {
    /// Every phase with hooks that record themselves and answer `outcome`.
    func traced(_ trace: Trace, handler: @escaping @Sendable (HearthRequest) async throws -> HearthResponse = { _ in .text("ok") },
                _ outcomes: [String: PhaseOutcome] = [:]) -> PhasedHandler {
        func hook(_ name: String) -> RequestHook {
            { _ in await trace.add(name); return outcomes[name] ?? .ok }
        }
        return PhasedHandler(HandlerFunction { request in await trace.add("handler"); return try await handler(request) })
            .access(hook("access1")).access(hook("access2"))
            .authentication(hook("authen1")).authentication(hook("authen2"))
            .authorization(hook("authz1"))
            .fixup(hook("fixup1")).fixup(hook("fixup2"))
            .log { _, response in await trace.add("log1 \(response.status.code)") }
            .log { _, response in await trace.add("log2 \(response.status.code)") }
            .cleanup { _ in await trace.add("cleanup1") }
            .cleanup { _ in await trace.add("cleanup2") }
    }

    @Test func phasesRunInModPythonOrder() async throws {
        let trace = Trace()
        let response = try await traced(trace).handle(makeRequest(method: .get))
        #expect(response.status == .ok)
        #expect(await trace.events == ["access1", "access2", "authen1", "authz1", "fixup1", "fixup2", "handler", "log1 200", "log2 200", "cleanup1", "cleanup2"])
    }

    @Test func declinedTriesTheNextHookOfThePhase() async throws {
        let trace = Trace()
        _ = try await traced(trace, ["access1": .declined, "authen1": .declined]).handle(makeRequest(method: .get))
        #expect(await trace.events.prefix(5) == ["access1", "access2", "authen1", "authen2", "authz1"])
    }

    @Test(arguments: [
        ("access1", ["access1"]), ("access2", ["access1", "access2"]), ("authen1", ["access1", "access2", "authen1"]),
        ("authz1", ["access1", "access2", "authen1", "authz1"]), ("fixup2", ["access1", "access2", "authen1", "authz1", "fixup1", "fixup2"]),
    ])
    func aResponseSkipsToLogAndCleanup(_ phase: String, _ ran: [String]) async throws {
        let trace = Trace()
        let response = try await traced(trace, [phase: .status(.forbidden)]).handle(makeRequest(method: .get))
        #expect(response.status == .forbidden)
        #expect(await trace.events == ran + ["log1 403", "log2 403", "cleanup1", "cleanup2"])
    }

    @Test func whenEveryAuthenticationHookDeclinesTheRequestIsA500() async throws {
        let trace = Trace()
        await #expect(throws: HearthError.status(.internalServerError, "configuration error: no authentication hook accepted the request (2 declined)")) {
            try await traced(trace, ["authen1": .declined, "authen2": .declined]).handle(makeRequest(method: .get))
        }
        #expect(await trace.events == ["access1", "access2", "authen1", "authen2", "log1 500", "log2 500", "cleanup1", "cleanup2"])
    }

    @Test func authorizationWithoutAuthenticationIsA500() async throws {
        let handler = PhasedHandler(HandlerFunction { _ in .text("never") }).authorization { _ in .ok }
        await #expect(throws: HearthError.status(.internalServerError, "configuration error: no authentication hook accepted the request (0 declined)")) {
            try await handler.handle(makeRequest(method: .get))
        }
    }

    @Test func authenticationSetsRemoteUserForLaterPhasesAndTheHandler() async throws {
        let trace = Trace()
        let handler = PhasedHandler(HandlerFunction { request in .text("\(request.remoteUser ?? "-") \(request.variables["AUTH_TYPE"] ?? "-")") })
            .authentication { request in request.authenticate(user: "ada", type: "Basic"); return .ok }
            .authorization { request in request.remoteUser == "ada" ? .ok : .status(.forbidden) }
            .cleanup { request in await trace.add("cleanup \(request.remoteUser ?? "-")") }
        let response = try await handler.handle(makeRequest(method: .get, variables: [("REMOTE_USER", "spoofed")]))
        #expect(response.body.text == "ada Basic")
        #expect(await trace.events == ["cleanup ada"])
    }

    @Test(arguments: [
        (HearthError.notFound, 404), (.unauthorized(realm: "wiki"), 401), (.badRequest("x"), 400),
    ])
    func aThrownErrorBecomesItsStatusAndLogAndCleanupStillRun(_ error: HearthError, _ code: Int) async throws {
        let trace = Trace()
        await #expect(throws: error) { try await traced(trace, handler: { _ in throw error }).handle(makeRequest(method: .get)) }
        #expect(await trace.events.suffix(5) == ["handler", "log1 \(code)", "log2 \(code)", "cleanup1", "cleanup2"])
    }

    @Test func aThrownErrorReachesTheLogPhaseAsErrorMappingsResponseWithoutInternals() async throws {
        let seen = Trace()
        let handler = PhasedHandler(HandlerFunction { _ in throw InternalFailure() })
            .authentication { _ in throw HearthError.unauthorized(realm: "wiki") }
            .log { _, response in await seen.add("\(response.status.code) \(response.headerFields[.wwwAuthenticate] ?? "") \(response.body.text)") }
        await #expect(throws: HearthError.unauthorized(realm: "wiki")) { try await handler.handle(makeRequest(method: .get)) }
        let failing = PhasedHandler(HandlerFunction { _ in throw InternalFailure() })
            .log { _, response in await seen.add("\(response.status.code) \(response.body.text)") }
        await #expect(throws: InternalFailure.self) { try await failing.handle(makeRequest(method: .get)) }
        #expect(await seen.events == ["401 Basic realm=\"wiki\", charset=\"UTF-8\" 401 Unauthorized\n", "500 500 Internal Server Error\n"])
    }
}

extension HearthResponse.Body {
    /// The bytes of an in-memory body as text ("" for a stream).
    var text: String {
        if case .bytes(let buffer) = self { return String(buffer: buffer) }
        return ""
    }
}

@Suite("Request locals")
struct RequestLocalsTests {
    enum Greeting: RequestLocalKey { typealias Value = String }
    enum Count: RequestLocalKey { typealias Value = Int }

    @Test("a value set by one step is read by the next, by its key's type")
    func valuesAreKeyedByType() {
        var locals = RequestLocals()
        #expect(locals[Greeting.self] == nil)
        locals[Greeting.self] = "hello"
        locals[Count.self] = 3
        #expect(locals[Greeting.self] == "hello")
        #expect(locals[Count.self] == 3)
        locals[Greeting.self] = nil
        #expect(locals[Greeting.self] == nil)
        #expect(locals[Count.self] == 3)
    }
}
