import Foundation
import HearthConformanceKit
import HearthTesting
import HearthWorkers
import Testing

/// The same suite, warm: the probes of conformance/cgi-bin served by
/// hearth-warm-probe, a FastCGI application in a pool Hearth supervises,
/// through a FastCGI directory mount at /cgi-bin. The environment comes from
/// the cold path's builder and the answer goes through its parser, so every
/// MUST and SECURITY case must pass as it does cold, except the ones listed
/// as not applicable warm in conformance/README.md.
@Suite struct WarmConformanceTests {
    static let root = ConformanceSuiteTests.root

    /// The ids of a marked list in conformance/README.md (`- \`id\`` lines
    /// between `<!-- marker -->` and `<!-- /marker -->`).
    static func listedIDs(_ marker: String) throws -> Set<String> {
        let readme = try String(contentsOf: root.appendingPathComponent("conformance/README.md"), encoding: .utf8)
        guard let start = readme.range(of: "<!-- \(marker) -->"), let end = readme.range(of: "<!-- /\(marker) -->") else { return [] }
        return Set(readme[start.upperBound..<end.lowerBound].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("- `"), let close = line.dropFirst(3).firstIndex(of: "`") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 3)..<close])
        })
    }

    /// The probe pool: two workers kept, up to eight, and a busy timeout
    /// short enough for `sec.script-timeout` (hang.sh) to get its 504 soon.
    static func probeMount() -> FastCGIMountConfiguration {
        var pool = WorkerPoolConfiguration(command: [HearthProcess.builtExecutable("hearth-warm-probe")])
        pool.minProcesses = 2
        pool.maxProcesses = 8
        pool.busyTimeout = .seconds(5)
        pool.killGrace = .milliseconds(200)
        var mount = FastCGIMountConfiguration(urlPath: "/cgi-bin", backend: .pool(pool))
        mount.directory = root.appendingPathComponent("conformance/cgi-bin").path
        mount.extensions = ["sh"]
        return mount
    }

    @Test func warmProbePassesEveryApplicableMustAndSecurityCase() async throws {
        let site = try await CGITestSite.start(scripts: [:], site: {
            $0.cgiMounts = []
            $0.fastCGIMounts = [Self.probeMount()]
        })
        let cases = try CaseLoader.load(directory: Self.root.appendingPathComponent("conformance/cases").path)
        let target = ConformanceTarget(host: "127.0.0.1", port: site.port, base: "/cgi-bin")
        let results = await ConformanceRunner(target: target).run(cases)
        try await site.stop()
        let report = ConformanceReport(server: "Hearth (warm probe)", target: target, results: results)
        let notApplicable = try Self.listedIDs("warm-not-applicable")
        let requiredFailures = results.filter { !$0.passed && $0.class.isRequired && !notApplicable.contains($0.id) }
        #expect(requiredFailures.map { report.line(for: $0) } == [])
        // Every other failure is documented: a Hearth miss shared with the
        // cold path, a warm-only miss, or a case that cannot apply warm.
        let expected = try ConformanceSuiteTests.documentedMisses().union(Self.listedIDs("warm-misses")).union(notApplicable)
        let unexpected = results.filter { !$0.passed && !expected.contains($0.id) }.map { report.line(for: $0) }
        #expect(unexpected == [], "a failure not documented in conformance/README.md")
        let stale = expected.subtracting(results.filter { !$0.passed }.map(\.id))
        #expect(stale == [], "documented in conformance/README.md but passing warm: update the lists")
    }
}
