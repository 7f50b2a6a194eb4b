import HearthProcess
import Testing

/// The process-wide totals per script that metrics export (issue 24), and
/// the fields one run's cost is written as.
@Suite struct RunCostsTests {
    static func cost(wall: Int, user: Int, system: Int, rss: Int, status: Int32 = 0) -> RunCost {
        RunCost(
            wall: .milliseconds(wall),
            exit: ChildExit(status: status, userCPU: .milliseconds(user), systemCPU: .milliseconds(system), maxResidentBytes: rss)
        )
    }

    @Test func totalsAddRunsTimesAndFailuresAndKeepThePeak() throws {
        let costs = RunCosts()
        let key = RunCosts.Key(.cgi, "/srv/cgi-bin/a")
        costs.record(Self.cost(wall: 100, user: 30, system: 10, rss: 4 << 20), for: key)
        costs.record(Self.cost(wall: 50, user: 5, system: 5, rss: 9 << 20, status: 3 << 8), for: key)
        costs.record(Self.cost(wall: 10, user: 1, system: 1, rss: 1 << 20, status: 9), for: key)
        costs.record(Self.cost(wall: 1, user: 1, system: 1, rss: 1), for: RunCosts.Key(.worker, "/srv/cgi-bin/a"))
        let snapshot = costs.snapshot()
        #expect(snapshot.count == 2)
        let totals = try #require(snapshot[key])
        #expect(totals.runs == 3)
        #expect(totals.failures == 2)
        #expect(totals.wall == .milliseconds(160))
        #expect(totals.userCPU == .milliseconds(36))
        #expect(totals.systemCPU == .milliseconds(16))
        #expect(totals.cpu == .milliseconds(52))
        #expect(totals.maxResidentBytes == 9 << 20)
    }

    /// Names beyond the capacity are counted together, never dropped: the
    /// sum over every key stays right and the table stays bounded.
    @Test func namesBeyondTheCapacityAreCountedTogether() {
        let costs = RunCosts(capacity: 3)
        for index in 0..<10 {
            costs.record(Self.cost(wall: 10, user: 1, system: 1, rss: 1), for: RunCosts.Key(.cgi, "/s/\(index)"))
        }
        costs.record(Self.cost(wall: 10, user: 1, system: 1, rss: 1), for: RunCosts.Key(.cgi, "/s/1"))
        let snapshot = costs.snapshot()
        #expect(Set(snapshot.keys.map(\.name)) == ["/s/0", "/s/1", "/s/2", RunCosts.overflow])
        #expect(snapshot[RunCosts.Key(.cgi, "/s/1")]?.runs == 2)
        #expect(snapshot[RunCosts.Key(.cgi, RunCosts.overflow)]?.runs == 7)
        #expect(snapshot.values.map(\.runs).reduce(0, +) == 11)
    }

    @Test func concurrentRecordsAreAllCounted() async {
        let costs = RunCosts()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for _ in 0..<500 { costs.record(Self.cost(wall: 1, user: 1, system: 0, rss: task), for: RunCosts.Key(.cgi, "/s/\(task % 2)")) }
                }
            }
        }
        let snapshot = costs.snapshot()
        #expect(snapshot.values.map(\.runs) == [2000, 2000])
        #expect(snapshot.values.map(\.userCPU).reduce(.zero, +) == .milliseconds(4000))
    }

    /// What the access log's notes and the error log's metadata print.
    @Test func fieldsAreSecondsToTheMillisecondAndKiB() {
        let exited = RunCost(
            wall: .milliseconds(1234) + .microseconds(499),
            exit: ChildExit(status: 0, userCPU: .microseconds(11_600), systemCPU: .microseconds(400), maxResidentBytes: 65 << 20)
        )
        #expect(exited.fields.map { "\($0.name)=\($0.value)" } == [
            "wall=1.234", "cpu=0.012", "cpu_user=0.012", "cpu_system=0.000", "maxrss=66560", "exit=0",
        ])
        #expect(!exited.failed)
        let killed = Self.cost(wall: 2000, user: 0, system: 0, rss: 0, status: 9)
        #expect(killed.fields.last! == ("signal", "9"))
        #expect(killed.fields.first! == ("wall", "2.000"))
        #expect(killed.failed)
        #expect(Self.cost(wall: 0, user: 0, system: 0, rss: 0, status: 1 << 8).fields.last! == ("exit", "1"))
    }
}
