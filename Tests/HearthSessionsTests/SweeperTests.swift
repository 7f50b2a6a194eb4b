import HearthSessions
import Logging
import ServiceLifecycle
import HearthTesting
import Testing

/// The sweeper: bounded batches, and a `Service` that stops at graceful
/// shutdown and closes the store.
@Suite struct SweeperTests {
    let clock = ManualClock()

    func save(_ store: any SessionStore, count: Int, lasting: Duration) async throws {
        for _ in 0..<count {
            try await store.save(.random(), SessionRecord(values: ["a": "1"], created: clock.now, expires: clock.now + lasting.components.seconds * 1000))
        }
    }

    @Test func aSweepDeletesExpiredSessionsInBoundedBatches() async throws {
        let store = MemorySessionStore(clock: clock.sessionClock)
        var configuration = SessionConfiguration()
        configuration.sweepBatch = 2
        let sessions = Sessions(configuration: configuration, store: store, logger: TestLog.logger("test"))
        try await save(store, count: 250, lasting: .seconds(1))
        let live = SessionID.random()
        await store.save(live, SessionRecord(values: ["a": "1"], created: clock.now, expires: clock.now + 100_000))
        clock.advance(by: .seconds(2))
        #expect(await sessions.sweep() == 200, "at most 100 batches of 2 per sweep")
        #expect(await sessions.sweep() == 50)
        #expect(await sessions.sweep() == 0)
        #expect(await store.load(live) != nil)
    }

    @Test func theSweeperServiceSweepsUntilGracefulShutdownThenClosesTheStore() async throws {
        let store = RecordingStore(MemorySessionStore(clock: clock.sessionClock))
        var configuration = SessionConfiguration()
        configuration.sweepInterval = .milliseconds(10)
        let sessions = Sessions(configuration: configuration, store: store, logger: TestLog.logger("test"))
        try await save(store, count: 3, lasting: .seconds(1))
        clock.advance(by: .seconds(2))
        let (swept, sweptContinuation) = AsyncStream.makeStream(of: Int.self)
        store.onSweep { sweptContinuation.yield($0) }
        Task {
            try? await Task.sleep(for: .seconds(20))  // fails instead of hanging if no sweep comes
            sweptContinuation.finish()
        }
        let group = ServiceGroup(services: [sessions], logger: TestLog.logger("test"))
        let running = Task { try await group.run() }
        var sweeps = swept.makeAsyncIterator()
        #expect(await sweeps.next() == 3, "the first sweep deleted the expired sessions")
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(store.recorded.last == "close")
    }
}
