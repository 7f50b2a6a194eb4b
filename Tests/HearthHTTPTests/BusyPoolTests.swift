import Foundation
import HearthTesting
import Synchronization
import Testing

/// The server takes, times and answers connections on its event loops and
/// never waits for Swift's cooperative pool, which a program embedding it
/// (`HearthApp.run`, this test suite) may keep busy with work of its own.
@Suite struct BusyPoolTests {
    @Test func aConnectionIsAnsweredWhileEveryPoolThreadIsBusy() async throws {
        let server = try await LiveServer.start(responder: TextResponder())
        let width = ProcessInfo.processInfo.activeProcessorCount
        let flags = PoolFlags()
        // Each spinner holds a pool thread without awaiting until the answer
        // arrives or 10 s pass; it reports which came first.
        let spinners = (0..<width).map { _ in
            Task.detached { () -> Bool in
                flags.spinning.add(1, ordering: .sequentiallyConsistent)
                let deadline = ContinuousClock.now + .seconds(10)
                while !flags.answered.load(ordering: .sequentiallyConsistent), ContinuousClock.now < deadline {}
                return flags.answered.load(ordering: .sequentiallyConsistent)
            }
        }
        // The client runs on a thread of its own, started from here: the
        // pool is taken, so not even a child task could start it.
        let (statuses, report) = AsyncStream<Int?>.makeStream()
        Thread {
            while flags.spinning.load(ordering: .sequentiallyConsistent) < width { usleep(1_000) }
            let response = try? RawConnection(port: server.port, timeoutSeconds: 30).exchangeBlocking("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            flags.answered.store(true, ordering: .sequentiallyConsistent)
            report.yield(response?.status)
            report.finish()
        }.start()
        var answeredWhileBusy: [Bool] = []
        for spinner in spinners { answeredWhileBusy.append(await spinner.value) }
        var status: Int? = nil
        for await reported in statuses { status = reported }
        #expect(status == 200)
        #expect(answeredWhileBusy == Array(repeating: true, count: width), "the answer waited for the pool to come free")
        try await server.stop()
    }
}

private final class PoolFlags: Sendable {
    let spinning = Atomic<Int>(0)
    let answered = Atomic<Bool>(false)
}
