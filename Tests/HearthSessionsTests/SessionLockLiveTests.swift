import Foundation
import Hearth
import HearthTesting
import Logging
import Synchronization
import Testing

/// Locking through a real server on a real socket: requests of one session
/// run one after the other (and lose no update), requests of two sessions
/// run together. Readiness is reported by the handler and the store
/// (gates, a barrier, a lock observer), never guessed with a sleep; the
/// 300 ms in `/work` is the slow work being measured.
@Suite struct SessionLockLiveTests {
    /// What the handler reports and waits on, shared with the test.
    final class Rendezvous: Sendable {
        /// When each request ran inside the handler, by its label.
        let spans = Mutex<[String: (start: ContinuousClock.Instant, end: ContinuousClock.Instant)]>([:])
        let gates = Mutex<[String: Gate]>([:])
        let barrier = Barrier(count: 2)
        let entered: AsyncStream<String>
        let enteredContinuation: AsyncStream<String>.Continuation

        init() {
            (entered, enteredContinuation) = AsyncStream.makeStream(of: String.self)
            finishLater(enteredContinuation)
        }

        func span(_ label: String) -> (start: ContinuousClock.Instant, end: ContinuousClock.Instant)? { spans.withLock { $0[label] } }

        func gate(_ label: String) -> Gate {
            gates.withLock { gates in
                if let gate = gates[label] { return gate }
                let gate = Gate()
                gates[label] = gate
                return gate
            }
        }
    }

    let rendezvous = Rendezvous()
    let logs = LogCapture()
    let store = RecordingStore(MemorySessionStore())

    /// `/start` makes a session; `/work`, `/gate` and `/barrier` each read
    /// the count, do their slow part, and write the count plus one.
    var handler: HandlerFunction {
        HandlerFunction { [rendezvous] request in
            let session = try request.session
            let label = String(request.queryString)
            if request.pathInfo == "/start" {
                try session.set("count", to: 0)
                return .text("started")
            }
            let start = ContinuousClock.now
            let count = try session.value("count", as: Int.self) ?? 0
            rendezvous.enteredContinuation.yield(label)
            switch request.pathInfo {
            case "/work": try await Task.sleep(for: .milliseconds(300))
            case "/gate": await rendezvous.gate(label).wait()
            case "/barrier": guard await rendezvous.barrier.arrive() else { throw HearthError.status(.internalServerError, "alone at the barrier") }
            default: throw HearthError.notFound
            }
            try session.set("count", to: count + 1)
            rendezvous.spans.withLock { $0[label] = (start, ContinuousClock.now) }
            return .text("\(count + 1)")
        }
    }

    /// The lock timeout is not what most of these tests measure: a full
    /// run can hold the cooperative pool (where a request's unlock runs)
    /// for seconds while the timeout, an event-loop timer, runs on time.
    func startSite(lockTimeout: Duration = .seconds(60)) async throws -> CGITestSite {
        var configuration = SessionConfiguration()
        configuration.lockTimeout = lockTimeout
        return try await CGITestSite.start(scripts: [:], builder: { [store, handler, logs] builder in
            builder.sessions = Sessions(configuration: configuration, store: store, logger: logs.logger())
            builder.mount("/s", handler: handler, sessions: true)
        })
    }

    func newSession(_ site: CGITestSite) async throws -> String {
        let response = try await site.get("/s/start")
        let field = try #require(response.header("Set-Cookie"))
        return try #require(cookieValue(field, name: "hearth_session"))
    }

    func get(_ site: CGITestSite, _ path: String, session: String) async throws -> RawResponse {
        try await site.get(path, headers: ["Cookie: hearth_session=\(session)"])
    }

    @Test func requestsOfOneSessionRunOneAfterTheOther() async throws {
        let site = try await startSite()
        let session = try await newSession(site)
        var events = rendezvous.entered.makeAsyncIterator()
        async let first = get(site, "/s/gate?first", session: session)
        #expect(await events.next() == "first")
        // The second request is at the lock once the store sees it ask.
        let (asked, askedContinuation) = AsyncStream.makeStream(of: String.self)
        finishLater(askedContinuation)
        store.onLock { askedContinuation.yield($0.request) }
        async let second = get(site, "/s/gate?second", session: session)
        var askedEvents = asked.makeAsyncIterator()
        #expect(await askedEvents.next() == "GET /s/gate")
        let askedAt = ContinuousClock.now
        await rendezvous.gate("first").open()
        await rendezvous.gate("second").open()
        let (one, two) = try await (first, second)
        try await site.stop()
        let firstSpan = try #require(rendezvous.span("first"))
        let secondSpan = try #require(rendezvous.span("second"))
        #expect(askedAt < firstSpan.end, "the second asked while the first ran")
        #expect(secondSpan.start >= firstSpan.end, "and entered only after it")
        #expect([one.text, two.text].sorted() == ["1", "2"], "no lost update")
    }

    @Test func aRequestThatWaitsPastTheLockTimeoutIsA503NamingTheHolder() async throws {
        let site = try await startSite(lockTimeout: .milliseconds(200))
        let session = try await newSession(site)
        var events = rendezvous.entered.makeAsyncIterator()
        async let holding = get(site, "/s/gate?holder", session: session)
        #expect(await events.next() == "holder")
        let late = try await get(site, "/s/work?late", session: session)
        await rendezvous.gate("holder").open()
        let held = try await holding
        let after = try await get(site, "/s/work?after", session: session)
        try await site.stop()
        #expect(late.status == 503 && late.header("Retry-After") == "1")
        #expect(late.text == "503 Service Unavailable\n", "who holds the lock is for the log, not the client")
        #expect(held.status == 200 && after.text == "2", "the holder finished, and the session is usable again")
        let warning = try #require(logs.records.first { $0.message == "session lock timeout" })
        #expect(warning.metadata["held_by"] == "GET /s/gate" && warning.metadata["request"] == "GET /s/work")
        #expect(warning.metadata["held_since"]?.hasSuffix("Z") == true)
    }

    @Test func twoSlowRequestsOfOneSessionTakeTwiceAsLongAsOne() async throws {
        let site = try await startSite()
        let session = try await newSession(site)
        let began = ContinuousClock.now
        async let first = get(site, "/s/work?a", session: session)
        async let second = get(site, "/s/work?b", session: session)
        let (one, two) = try await (first, second)
        let elapsed = ContinuousClock.now - began
        try await site.stop()
        #expect(elapsed >= .milliseconds(600), "\(elapsed)")
        let a = try #require(rendezvous.span("a"))
        let b = try #require(rendezvous.span("b"))
        #expect(a.end <= b.start || b.end <= a.start, "the spans do not overlap")
        #expect([one.text, two.text].sorted() == ["1", "2"])
    }

    @Test func requestsOfTwoSessionsRunTogether() async throws {
        let site = try await startSite()
        let sessions = (try await newSession(site), try await newSession(site))
        // Each waits at the barrier until the other is in the handler too:
        // if one session's lock blocked the other, both would time out.
        async let first = get(site, "/s/barrier?a", session: sessions.0)
        async let second = get(site, "/s/barrier?b", session: sessions.1)
        let (one, two) = try await (first, second)
        try await site.stop()
        #expect(one.status == 200 && two.status == 200)
        let a = try #require(rendezvous.span("a"))
        let b = try #require(rendezvous.span("b"))
        #expect(a.start < b.end && b.start < a.end, "the spans overlap")
    }
}

/// Ends `stream` after 20 s, so a test waiting for an event that never
/// comes fails (its `next()` is nil) instead of hanging.
private func finishLater(_ stream: AsyncStream<String>.Continuation) {
    Task {
        try? await Task.sleep(for: .seconds(20))
        stream.finish()
    }
}
