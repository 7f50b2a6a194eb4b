import HearthSessions
import HearthTesting
import HearthWeb
import Logging
import Synchronization
import Testing

/// `SessionHandler` without a server: cookies, saving, expiry, fixation,
/// invalidation, re-entry and the 503 — against a recording memory store
/// on a clock the test moves.
@Suite struct SessionHandlerTests {
    let clock = ManualClock()
    let store: RecordingStore
    let logs = LogCapture()
    let sessions: Sessions

    init() {
        store = RecordingStore(MemorySessionStore(clock: clock.sessionClock))
        var configuration = SessionConfiguration()
        configuration.idleTimeout = .seconds(60)
        configuration.lockTimeout = .milliseconds(100)
        sessions = Sessions(configuration: configuration, store: store, logger: logs.logger())
    }

    /// The counter, wrapped.
    var counter: SessionHandler { SessionHandler(SessionCounterHandler(), sessions: sessions) }

    func get(_ path: String = "/", cookie id: String? = nil, variables: [(String, String)] = []) async throws -> HearthResponse {
        try await counter.handle(makeRequest(path: path, cookie: id.map { "hearth_session=\($0)" }, variables: variables))
    }

    @Test func aSessionWithValuesIsSavedAndItsCookieSetOnce() async throws {
        let first = try await get()
        #expect(first.text == "visits 1")
        let setCookie = try #require(first.setCookies.first)
        #expect(setCookie.hasSuffix("; Path=/; HttpOnly; SameSite=Lax"))
        #expect(!setCookie.contains("Max-Age"), "no lifetime: a browser-session cookie")
        let id = try #require(cookieValue(setCookie, name: "hearth_session"))
        #expect(SessionID(validating: id) != nil)

        let second = try await get(cookie: id)
        #expect(second.text == "visits 2")
        #expect(second.setCookies.isEmpty, "the client already has the cookie")
    }

    @Test func aSessionWithoutValuesIsNeitherStoredNorSent() async throws {
        let response = try await get("/peek")
        #expect(response.text == "visits 0")
        #expect(response.setCookies.isEmpty)
        #expect(!store.recorded.contains { $0.hasPrefix("save") })
    }

    @Test func overTLSTheCookieIsSecureAndLifetimeIsItsMaxAge() async throws {
        var configuration = sessions.configuration
        configuration.lifetime = .seconds(3600)
        configuration.cookiePath = "/app"
        let handler = SessionHandler(SessionCounterHandler(), sessions: Sessions(configuration: configuration, store: store, logger: logs.logger()))
        let response = try await handler.handle(makeRequest(variables: [("HTTPS", "on")]))
        let setCookie = try #require(response.setCookies.first)
        #expect(setCookie.hasSuffix("; Max-Age=3600; Path=/app; Secure; HttpOnly; SameSite=Lax"))
    }

    @Test(arguments: ["short", "x' OR '1'='1", String(repeating: "A", count: 33), String(repeating: "A", count: 31) + "=", "../../etc/passwd"])
    func aCookieThatIsNotAnIDNeverReachesTheStore(value: String) async throws {
        let response = try await counter.handle(makeRequest(cookie: "hearth_session=\"\(value)\""))
        #expect(response.text == "visits 1", "a new session instead")
        #expect(!store.recorded.contains { $0.contains(value) })
        #expect(!store.recorded.contains { $0.hasPrefix("lock") }, "nothing to lock")
        let warning = try #require(logs.records.first { $0.message.contains("not a session id") })
        #expect(warning.metadata["remote"] == "192.0.2.7")
        #expect(!warning.metadata.values.contains { $0.contains(value) }, "the value is never logged")
    }

    @Test func slidingExpiryKeepsAnActiveSessionAndEndsAnIdleOne() async throws {
        let id = try #require(cookieValue(try await get().setCookies[0], name: "hearth_session"))
        for visit in 2...4 {
            clock.advance(by: .seconds(50))
            #expect(try await get("/peek", cookie: id).text == "visits 1", "visit \(visit): 50 s idle < 60 s")
        }
        #expect(store.recorded.filter { $0.hasPrefix("touch") }.count == 3, "an unchanged session is touched, not rewritten")
        clock.advance(by: .seconds(60))
        let expired = try await get("/peek", cookie: id)
        #expect(expired.text == "visits 0")
        #expect(expired.setCookies.first?.contains("Max-Age=0") == true, "the stale cookie is removed")
    }

    @Test func lifetimeBoundsEvenAnActiveSession() async throws {
        var configuration = sessions.configuration
        configuration.lifetime = .seconds(100)
        let handler = SessionHandler(SessionCounterHandler(), sessions: Sessions(configuration: configuration, store: store, logger: logs.logger()))
        let id = try #require(cookieValue(try await handler.handle(makeRequest()).setCookies[0], name: "hearth_session"))
        clock.advance(by: .seconds(50))
        #expect(try await handler.handle(makeRequest(cookie: "hearth_session=\(id)")).text == "visits 2")
        clock.advance(by: .seconds(50))
        #expect(try await handler.handle(makeRequest(cookie: "hearth_session=\(id)")).text == "visits 1", "100 s after creation: over")
    }

    @Test func regeneratingTheIDKeepsValuesAndRetiresTheOldID() async throws {
        let old = try #require(cookieValue(try await get().setCookies[0], name: "hearth_session"))
        let login = try await get("/login", cookie: old)
        let new = try #require(login.setCookies.first.flatMap { cookieValue($0, name: "hearth_session") })
        #expect(new != old)
        #expect(try await get("/peek", cookie: new).text == "visits 1")
        #expect(try await get("/peek", cookie: old).text == "visits 0", "the old id no longer works")
    }

    @Test func invalidatingEndsTheSessionAndRemovesTheCookie() async throws {
        let id = try #require(cookieValue(try await get().setCookies[0], name: "hearth_session"))
        let logout = try await get("/logout", cookie: id)
        #expect(logout.setCookies == ["hearth_session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"])
        #expect(try await get("/peek", cookie: id).text == "visits 0")
    }

    @Test func aNestedWrapperReusesTheOuterSessionAndLock() async throws {
        let inner = SessionHandler(SessionCounterHandler(), sessions: sessions)
        let outer = SessionHandler(HandlerFunction { request in
            let response = try await inner.handle(request)
            #expect(try request.session.value("visits", as: Int.self) == 2, "the same session object")
            return response
        }, sessions: sessions)
        let id = try #require(cookieValue(try await get().setCookies[0], name: "hearth_session"))
        let response = try await outer.handle(makeRequest(cookie: "hearth_session=\(id)"))
        #expect(response.text == "visits 2")
        #expect(store.recorded.filter { $0.hasPrefix("lock") }.count == 1, "locked once, not twice (which would deadlock)")
    }

    @Test func aLockHeldTooLongIsA503NamingItsHolder() async throws {
        let id = try #require(cookieValue(try await get().setCookies[0], name: "hearth_session"))
        let holder = SessionLockHolder(token: "other-request", request: "POST /checkout", since: clock.now)
        try await store.lock(try #require(SessionID(validating: id)), for: holder, lease: .seconds(30), waitingAtMost: .zero)
        let error = try await #require(throws: HearthError.self) { try await get(cookie: id) }
        guard case .unavailable(let retryAfter, let message) = error else { Issue.record("expected unavailable: \(error)"); return }
        #expect(retryAfter == 1)
        #expect(message.contains("POST /checkout"))
        let (response, _) = ErrorMapping.response(for: error)
        #expect(response.status == .serviceUnavailable && response.headerFields[.retryAfter] == "1")
        let warning = try #require(logs.records.first { $0.message == "session lock timeout" })
        #expect(warning.metadata["held_by"] == "POST /checkout")
        #expect(warning.metadata["request"] == "GET /")
        #expect(warning.metadata["held_since"]?.hasPrefix("2023-11-14T22:13:20") == true)
    }

    /// The metrics' seam (`Sessions.observer`): a request that finds its
    /// session locked is told as a wait, and one that waits in vain as a
    /// timeout too; a free lock is neither.
    @Test func lockWaitsAndTimeoutsAreTold() async throws {
        let observer = LockCounts()
        sessions.observer = observer
        let id = try #require(cookieValue(try await get().setCookies[0], name: "hearth_session"))
        #expect(try await get(cookie: id).text == "visits 2")
        #expect(observer.counts == (0, 0), "a free lock is no wait")
        let holder = SessionLockHolder(token: "other-request", request: "POST /checkout", since: clock.now)
        let sessionID = try #require(SessionID(validating: id))
        try await store.lock(sessionID, for: holder, lease: .seconds(30), waitingAtMost: .zero)
        await #expect(throws: HearthError.self) { try await get(cookie: id) }
        #expect(observer.counts == (1, 1))
        try await store.unlock(sessionID, for: holder)
        #expect(try await get(cookie: id).text == "visits 3")
        #expect(observer.counts == (1, 1))
    }

    @Test func theLockIsReleasedWhenTheHandlerThrows() async throws {
        let id = try #require(cookieValue(try await get().setCookies[0], name: "hearth_session"))
        let failing = SessionHandler(HandlerFunction { request in
            try request.session.set("visits", to: 99)
            throw HearthError.forbidden
        }, sessions: sessions)
        await #expect(throws: HearthError.forbidden) { try await failing.handle(makeRequest(cookie: "hearth_session=\(id)")) }
        #expect(try await get("/peek", cookie: id).text == "visits 1", "not locked, and a failed request saves nothing")
    }

    @Test func withoutAWrapperTheSessionIsA500() async throws {
        #expect(throws: HearthError.self) { _ = try makeRequest().session }
    }

    @Test func valuesAreTypedAndAWrongTypeThrowsForThatKeyOnly() async throws {
        struct Cart: Codable, Equatable { var items: [String]; var total: Int }
        let handler = SessionHandler(HandlerFunction { request in
            let session = try request.session
            try session.set("cart", to: Cart(items: ["book"], total: 12))
            try session.set("name", to: "Ada")
            #expect(try session.value("cart", as: Cart.self) == Cart(items: ["book"], total: 12))
            #expect(throws: SessionValueError.self) { try session.value("name", as: Int.self) }
            #expect(try session.value("name", as: String.self) == "Ada")
            #expect(try session.value("missing", as: String.self) == nil)
            session.remove("name")
            #expect(session.keys == ["cart"])
            return .text("ok")
        }, sessions: sessions)
        #expect(try await handler.handle(makeRequest()).text == "ok")
    }
}

/// The example's counter, in the form these tests mount it.
struct SessionCounterHandler: HearthHandler {
    func handle(_ request: HearthRequest) async throws -> HearthResponse {
        let session = try request.session
        let visits = try session.value("visits", as: Int.self) ?? 0
        switch request.pathInfo {
        case "/peek": return .text("visits \(visits)")
        case "/login": session.regenerateID()
        case "/logout": session.invalidate()
        default: try session.set("visits", to: visits + 1)
        }
        return .text("visits \(try session.value("visits", as: Int.self) ?? 0)")
    }
}

/// Counts what `Sessions` tells its observer.
final class LockCounts: SessionLockObserver {
    private let state = Mutex((waits: 0, timeouts: 0))
    func sessionLockWaited() { state.withLock { $0.waits += 1 } }
    func sessionLockTimedOut() { state.withLock { $0.timeouts += 1 } }
    var counts: (Int, Int) { state.withLock { ($0.waits, $0.timeouts) } }
}
