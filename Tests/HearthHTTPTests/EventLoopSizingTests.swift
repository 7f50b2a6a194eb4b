import Testing

@testable import HearthHTTP

/// The event-loop count follows the CPU affinity mask (/proc/self/status).
@Suite struct EventLoopSizingTests {
    @Test("Cpus_allowed counts the set bits of every hex word", arguments: [
        ("Name:\thearth\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n", 2),
        ("Cpus_allowed:\t1\n", 1),
        ("Cpus_allowed:\tffffffff,ffffffff\n", 64),
        ("Cpus_allowed:\t00000000,00000100\n", 1),
        ("Cpus_allowed_list:\t0-3\nCpus_allowed:\tf\n", 4),
    ])
    func countsAllowedCPUs(status: String, cpus: Int) {
        #expect(EventLoopSizing.cpusAllowed(inStatus: status) == cpus)
    }

    @Test("no usable mask gives nil, not a guess", arguments: ["", "Cpus_allowed:\t0\n", "Cpus_allowed:\tzz\n", "Cpus_allowed_list:\t0-1\n"])
    func unreadableMaskIsNil(status: String) {
        #expect(EventLoopSizing.cpusAllowed(inStatus: status) == nil)
    }

    @Test func thisProcessHasAtLeastOneCPU() throws {
        let cpus = try #require(EventLoopSizing.affinityCPUCount)
        #expect(cpus >= 1)
    }
}
