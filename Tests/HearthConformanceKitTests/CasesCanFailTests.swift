import Foundation
import HearthConformanceKit
import Testing

/// A case must be able to fail: the suite run against deliberately wrong
/// servers reports failures, in every area.
@Suite struct CasesCanFailTests {
    static let casesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("conformance/cases").path

    static func runAll(against answer: @escaping @Sendable (String) -> String) async throws -> [CaseResult] {
        let server = try await CannedServer.start(answer: answer)
        let cases = try CaseLoader.load(directory: casesDirectory).map { item -> ConformanceCase in
            var item = item
            item.timeout = 3
            return item
        }
        let results = await ConformanceRunner(target: ConformanceTarget(host: "127.0.0.1", port: server.port, base: "/cgi-bin"), concurrency: 8).run(cases)
        try await server.stop()
        return results
    }

    /// A server that answers every request with an empty 200 passes no case:
    /// each case asserts something such a server does not show.
    @Test func everyCaseFailsAgainstAnEmptyAnswer() async throws {
        let results = try await Self.runAll { _ in "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" }
        #expect(results.count >= 80)
        #expect(results.filter(\.passed).map(\.id) == [])
    }

    /// A server that answers with a plausible but wrong CGI environment (the
    /// classic mistakes) fails cases in every area, and the failures say
    /// what was wrong.
    @Test func wrongEnvironmentIsReported() async throws {
        let results = try await Self.runAll { _ in
            let body = "GATEWAY_INTERFACE=CGI/1.0\nQUERY_STRING=decoded value\nHTTP_PROXY=http://evil\nSERVER_PORT=\nREQUEST_METHOD=get\n"
            return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        let failed = results.filter { !$0.passed }
        #expect(failed.contains { $0.failures.joined().contains("GATEWAY_INTERFACE") })
        #expect(failed.contains { $0.failures.joined().contains("HTTP_PROXY") })
        // Every area (case file) reports at least one failure.
        let areas = Set(results.compactMap(\.file))
        let failingAreas = Set(failed.compactMap(\.file))
        #expect(areas.count >= 8)
        #expect(areas == failingAreas)
    }

    /// A server that never answers is reported, not waited for forever.
    @Test func silenceIsATimeoutFailure() async throws {
        let server = try await CannedServer.start { _ in "" }
        let item = try #require(try CaseLoader.load(directory: Self.casesDirectory).first)
        var quick = item
        quick.timeout = 0.5
        let result = await ConformanceRunner(target: ConformanceTarget(host: "127.0.0.1", port: server.port, base: "/cgi-bin")).run(quick)
        #expect(!result.passed)
        try await server.stop()
    }
}
