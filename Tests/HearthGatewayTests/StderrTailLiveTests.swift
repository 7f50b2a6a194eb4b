import HearthTesting
import Testing

/// A failed run's error-log record carries the last lines of the script's
/// stderr (`stderr_tail`: 10 lines, 2 KiB at most), so the reason for a
/// 500 is on the line that reports it (issue 24).
@Suite struct StderrTailLiveTests {
    /// Fifteen lines, then a failure: the record holds the last ten.
    @Test func aFailedRunCarriesTheLastTenLines() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(
            scripts: ["fails": "#!/bin/sh\nfor n in $(seq 15); do echo \"problem $n\" >&2; done\nexit 1\n"], logger: capture.logger()
        )
        #expect(try await site.get("/cgi-bin/fails").status == 500)
        try await site.stop()
        let line = try #require(capture.records.first { $0.message == "script exited" })
        #expect(line.metadata["stderr_tail"] == (6...15).map { "problem \($0)" }.joined(separator: " | "))
    }

    /// A flood of stderr is cut to the last 2 KiB, whole lines kept.
    @Test func theTailIsBoundedInBytes() async throws {
        let capture = LogCapture()
        let long = String(repeating: "x", count: 900)
        let site = try await CGITestSite.start(
            scripts: ["fails": "#!/bin/sh\nfor n in 1 2 3 4; do echo \"$n \(long)\" >&2; done\nexit 1\n"], logger: capture.logger()
        )
        _ = try await site.get("/cgi-bin/fails")
        try await site.stop()
        let tail = try #require(capture.records.first { $0.message == "script exited" }?.metadata["stderr_tail"])
        #expect(tail == "3 \(long) | 4 \(long)")
    }

    /// A run that fails without writing to stderr has no tail.
    @Test func noTailWithoutStderr() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["quiet": "#!/bin/sh\nexit 4\n"], logger: capture.logger())
        _ = try await site.get("/cgi-bin/quiet")
        try await site.stop()
        let line = try #require(capture.records.first { $0.message == "script exited" })
        #expect(line.metadata["exit"] == "4")
        #expect(line.metadata["stderr_tail"] == nil)
    }
}
