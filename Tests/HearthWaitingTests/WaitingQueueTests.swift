import HearthWaiting
import Synchronization
import Testing

/// The one waiting line every scarce thing uses (script slots, pool
/// workers, session locks): first come, first served; a wait ends by a
/// grant, a refusal, its time running out or its task being cancelled,
/// and each waiter is resumed exactly once.
@Suite struct WaitingQueueTests {
    /// A line under a lock, as its owners keep it.
    final class Line: Sendable {
        let queue = Mutex(WaitingQueue<String, Int>())
        /// One element each time a waiter joins: what the test waits on,
        /// instead of spinning on the count.
        private let joins = AsyncStream<Void>.makeStream()

        func wait(_ tag: String, atMost timeout: Duration = .seconds(30)) async -> Int? {
            let ticket = queue.withLock { $0.issueTicket() }
            return await Waiting.wait(atMost: timeout) { continuation in
                queue.withLock { $0.enqueue(ticket, tag: tag, continuation) }
                joins.continuation.yield()
                return nil
            } leave: { [self] in
                queue.withLock { $0.leave(ticket) }?.refuse()
            }
        }

        var count: Int { queue.withLock { $0.count } }

        /// Returns once `waiters` more waiters have joined.
        func joined(_ waiters: Int = 1) async {
            var seen = 0
            for await _ in joins.stream {
                seen += 1
                if seen == waiters { return }
            }
        }
    }

    @Test func waitersAreServedInTheOrderTheyCame() async {
        let line = Line()
        let first = Task { await line.wait("a") }
        await line.joined()
        let second = Task { await line.wait("b") }
        await line.joined()
        let firstTurn = line.queue.withLock { $0.next() }
        #expect(firstTurn?.tag == "a")
        firstTurn?.turn.grant(1)
        line.queue.withLock { $0.next() }?.turn.grant(2)
        #expect(await first.value == 1)
        #expect(await second.value == 2)
        #expect(line.count == 0)
    }

    @Test func aWaiterTheOwnerCannotAdmitYetLetsALaterOneGo() async {
        let line = Line()
        let capped = Task { await line.wait("capped") }
        await line.joined()
        let other = Task { await line.wait("other") }
        await line.joined()
        let taken = line.queue.withLock { $0.next(where: { $0 != "capped" }) }
        #expect(taken?.tag == "other")
        taken?.turn.grant(7)
        #expect(await other.value == 7)
        #expect(line.count == 1, "the capped waiter keeps its place")
        line.queue.withLock { $0.removeAll() }.forEach { $0.refuse() }
        #expect(await capped.value == nil)
    }

    @Test func aWaitWhoseTimeRunsOutLeavesTheLine() async {
        let line = Line()
        let started = ContinuousClock.now
        let granted = await line.wait("late", atMost: .milliseconds(50))
        #expect(granted == nil)
        #expect(ContinuousClock.now - started >= .milliseconds(50))
        #expect(line.count == 0, "nobody is left to grant a turn to")
    }

    @Test func aCancelledWaitLeavesTheLine() async {
        let line = Line()
        let waiter = Task { await line.wait("gone") }
        await line.joined()
        waiter.cancel()
        #expect(await waiter.value == nil)
        #expect(line.count == 0)
    }

    @Test func roomFoundWhileJoiningIsGrantedAtOnce() async {
        let granted = await Waiting.wait(atMost: .seconds(30)) { (_: CheckedContinuation<Int?, Never>) in 5 } leave: {}
        #expect(granted == 5)
    }

    /// A grant and a time-out racing: whichever takes the waiter out of
    /// the line resumes it, the other finds nothing (a double resume
    /// would crash the test process).
    @Test func aGrantRacingTheTimeoutResumesOnce() async {
        let line = Line()
        for _ in 0..<200 {
            let waiter = Task { await line.wait("racing", atMost: .milliseconds(1)) }
            await line.joined()
            // Granted now, unless its time ran out first.
            line.queue.withLock { $0.next() }?.turn.grant(1)
            let result = await waiter.value
            #expect(result == 1 || result == nil)
            #expect(line.count == 0)
        }
    }
}
