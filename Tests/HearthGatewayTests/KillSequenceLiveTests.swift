import Foundation
import HearthTesting
import Testing

/// SECURITY.md, scripts that hang: "the whole process group gets SIGTERM,
/// then SIGKILL after the grace period; the same when the client
/// disconnects". Each test proves it by pid (STYLE.md 7) with scripts the
/// lifecycle suite does not have: one that ignores SIGTERM, and one that
/// starts a child that starts a grandchild. Whatever survives the bound is
/// killed by the test itself, so a broken kill sequence fails the test
/// rather than leaving processes behind or holding the server's stop.
@Suite struct KillSequenceLiveTests {
    /// The I/O timeout of the timeout tests: long enough for the scripts
    /// to start and record their pids on a loaded machine (a SIGTERM
    /// before its `trap` would end a script early, pid unwritten).
    static let timeout = Duration.seconds(2)
    /// Bound, from the moment the pids are known, for every process to be
    /// gone: the timeout plus a 200 ms grace, with room to spare.
    static let gone = 10.0

    @Test func scriptIgnoringSIGTERMIsKilledAfterTheGrace() async throws {
        let site = try await CGITestSite.start(scripts: ["stubborn": Probe.ignoresTerm], mount: {
            $0.ioTimeout = Self.timeout
            $0.killGrace = .milliseconds(200)
        }, logger: LogCapture().logger())
        let connection = try RawConnection(port: site.port, timeoutSeconds: 10)
        try await connection.send("GET /cgi-bin/stubborn?stubborn HTTP/1.1\r\nHost: t\r\n\r\n")
        let pid = try #require(await Processes.readPid(at: site.scriptDirectory + "/stubborn.pid"))
        #expect(await Processes.waitUntilGone(pid, seconds: Self.gone), "SIGTERM is ignored: only SIGKILL ends it")
        #expect(Processes.killSurvivors([pid]).isEmpty)
        #expect(try await connection.readResponse().status == 504)
        try await site.stop()
    }

    @Test func timeoutStopsTheScriptItsChildAndItsGrandchild() async throws {
        let site = try await CGITestSite.start(scripts: ["family": Probe.family()], mount: {
            $0.ioTimeout = Self.timeout
            $0.killGrace = .milliseconds(200)
        }, logger: LogCapture().logger())
        let connection = try RawConnection(port: site.port, timeoutSeconds: 10)
        try await connection.send("GET /cgi-bin/family?timeout HTTP/1.1\r\nHost: t\r\n\r\n")
        let family = try await Self.pids(of: "timeout", in: site)
        try await Self.expectAllGone(family)
        #expect(try await connection.readResponse().status == 504)
        try await site.stop()
    }

    @Test func clientDisconnectStopsTheScriptItsChildAndItsGrandchild() async throws {
        let site = try await CGITestSite.start(scripts: ["family": Probe.family()], mount: {
            $0.killGrace = .milliseconds(200)
        }, logger: LogCapture().logger())
        let connection = try RawConnection(port: site.port, timeoutSeconds: 10)
        try await connection.send("GET /cgi-bin/family?left HTTP/1.1\r\nHost: t\r\n\r\n")
        let family = try await Self.pids(of: "left", in: site)
        #expect(family.allSatisfy(Processes.isAlive))
        connection.close()
        try await Self.expectAllGone(family)
        try await site.stop()
    }

    /// The script obeys SIGTERM at once, its descendants ignore it: the
    /// group's SIGKILL after the grace is what ends them, even though the
    /// script itself is gone (and reaped) by then.
    @Test func descendantsIgnoringSIGTERMAreKilledAfterTheGrace() async throws {
        let site = try await CGITestSite.start(scripts: ["family": Probe.family(descendants: #"trap "" TERM;"#)], mount: {
            $0.ioTimeout = Self.timeout
            $0.killGrace = .milliseconds(200)
        }, logger: LogCapture().logger())
        let connection = try RawConnection(port: site.port, timeoutSeconds: 10)
        try await connection.send("GET /cgi-bin/family?stubborn HTTP/1.1\r\nHost: t\r\n\r\n")
        let family = try await Self.pids(of: "stubborn", in: site)
        try await Self.expectAllGone(family)
        #expect(try await connection.readResponse().status == 504)
        try await site.stop()
    }

    /// The pids the family script recorded under `name`: the script's
    /// own, its child's and its grandchild's.
    private static func pids(of name: String, in site: CGITestSite) async throws -> [Int32] {
        var pids: [Int32] = []
        for suffix in ["pid", "child", "grandchild"] {
            pids.append(try #require(await Processes.readPid(at: "\(site.scriptDirectory)/\(name).\(suffix)"), "no \(suffix) pid"))
        }
        return pids
    }

    /// Every pid is gone within the bound; survivors are named, then killed.
    private static func expectAllGone(_ pids: [Int32], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        _ = await Processes.eventually(seconds: gone) { !pids.contains(where: Processes.isAlive) }
        let survivors = Processes.killSurvivors(pids)
        #expect(survivors.isEmpty, "still running \(gone) s after the stop: \(survivors) of \(pids) (script, child, grandchild)", sourceLocation: sourceLocation)
    }
}

extension Probe {
    /// Ignores SIGTERM, records its pid in `$QUERY_STRING.pid` and hangs
    /// without output. The `sleep` it becomes ignores SIGTERM too (an
    /// ignored signal stays ignored across exec): only SIGKILL ends it.
    static let ignoresTerm = """
    #!/bin/sh
    trap '' TERM
    echo $$ > "$QUERY_STRING.pid"
    exec sleep 1000
    """

    /// Starts a child shell that starts a grandchild `sleep`, records the
    /// three pids in `$QUERY_STRING.pid`, `.child` and `.grandchild`, and
    /// hangs without output. `descendants` runs first in the child (a
    /// `trap`, say), so it applies to the child and the grandchild only.
    static func family(descendants: String = "") -> String {
        """
        #!/bin/sh
        sh -c '\(descendants) sleep 1000 & echo $! > "$1.grandchild"; wait' sh "$QUERY_STRING" &
        echo $! > "$QUERY_STRING.child"
        echo $$ > "$QUERY_STRING.pid"
        exec sleep 1000
        """
    }
}
