import HearthProcess
import HearthTesting
import HearthWorkers
import Testing

@testable import Hearth

/// `limits:` of `cgi:` items, `fastcgi:` pools and `fcgi_scripts:`
/// (docs/configuration.md, "limits").
@Suite struct LimitsConfigurationTests {
    func parse(_ yaml: String) throws -> HearthConfiguration {
        try ConfigurationFile.parse(yaml: yaml, file: "test.yaml", baseDirectory: "/etc/hearth")
    }

    @Test func everyKeyReachesItsField() throws {
        let configuration = try parse("""
            cgi:
              - url: /cgi-bin
                limits:
                  cpu: 2m
                  memory: 256M
                  processes: 20
                  open_files: 64
                  file_size: 10M
                  core: 1M
            """)
        let limits = try #require(configuration.cgiMounts.first?.limits)
        #expect(limits.cpuSeconds == 120)
        #expect(limits.memoryBytes == 256 << 20)
        #expect(limits.processes == 20)
        #expect(limits.openFiles == 64)
        #expect(limits.fileSizeBytes == 10 << 20)
        #expect(limits.coreBytes == 1 << 20)
    }

    /// `cpu_quota`: a percentage of one CPU, or a number of CPUs.
    @Test(arguments: [("50%", 50), ("0.5", 50), ("150%", 150), ("2", 200), ("1%", 1)])
    func aCPUQuotaIsAShareOfACPU(text: String, percent: Int) throws {
        let configuration = try parse("cgi:\n  - url: /cgi-bin\n    limits: {cpu_quota: \"\(text)\"}\n")
        #expect(configuration.cgiMounts[0].limits.cpuQuotaPercent == percent)
        #expect(configuration.cgiMounts[0].limits.needsControlGroup)
    }

    @Test(arguments: ["0.5%", "0", "half", "-1", "12.5%"])
    func aCPUQuotaThatIsNoShareIsRefused(text: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try parse("cgi:\n  - url: /cgi-bin\n    limits: {cpu_quota: \"\(text)\"}\n") }
        #expect(error?.key == "cgi[0].limits.cpu_quota")
        #expect(error?.message.contains("a share of CPU of at least 1%") == true, "\(String(describing: error))")
    }

    /// Scripts never dump core unless a mount says so.
    @Test func coreIsZeroWithoutALimitsSection() throws {
        let configuration = try parse("cgi:\n  - url: /cgi-bin\nfastcgi:\n  - url: /app\n    command: /bin/app\nfcgi_scripts:\n  max_processes: 2\n")
        #expect(configuration.cgiMounts[0].limits == ProcessLimits())
        #expect(configuration.cgiMounts[0].limits.coreBytes == 0)
        guard case .pool(let pool) = configuration.fastCGIMounts[0].backend else { Issue.record("not a pool"); return }
        #expect(pool.limits.coreBytes == 0)
        #expect(configuration.scriptPools?.limits.coreBytes == 0)
    }

    @Test func poolsAndScriptPoolsTakeLimits() throws {
        let configuration = try parse("""
            fastcgi:
              - url: /app
                command: /bin/app
                limits: {cpu: 30, memory: 1G}
            fcgi_scripts:
              limits: {processes: 8}
            """)
        guard case .pool(let pool) = configuration.fastCGIMounts[0].backend else { Issue.record("not a pool"); return }
        #expect(pool.limits.cpuSeconds == 30)
        #expect(pool.limits.memoryBytes == 1 << 30)
        #expect(configuration.scriptPools?.limits.processes == 8)
    }

    @Test(arguments: [
        ("cgi:\n  - limits:\n      memory: 256X", "cgi[0].limits.memory", "expected a size in bytes", 3, 15),
        ("cgi:\n  - limits:\n      memroy: 1G", "cgi[0].limits.memroy", "unknown key \"memroy\"; allowed keys are cpu, memory, processes, open_files, file_size, core", 3, 7),
        ("cgi:\n  - limits:\n      cpu: 0", "cgi[0].limits.cpu", "must be more than zero", 3, 12),
        ("cgi:\n  - limits:\n      cpu: 1.5", "cgi[0].limits.cpu", "whole number of seconds", 3, 12),
        ("cgi:\n  - limits:\n      processes: -3", "cgi[0].limits.processes", "must be at least 1", 3, 18),
        ("cgi:\n  - limits:\n      processes: 0", "cgi[0].limits.processes", "must be at least 1", 3, 18),
        ("cgi:\n  - limits:\n      open_files: many", "cgi[0].limits.open_files", "expected an integer", 3, 19),
        ("cgi:\n  - limits:\n      file_size: 0", "cgi[0].limits.file_size", "must be at least 1", 3, 18),
        ("cgi:\n  - limits:\n      core: -1", "cgi[0].limits.core", "must not be negative", 3, 13),
        ("cgi:\n  - limits: 5", "cgi[0].limits", "expected a mapping", 2, 13),
        ("fastcgi:\n  - command: /bin/app\n    limits: {memory: 0}", "fastcgi[0].limits.memory", "must be at least 1", 3, 22),
        ("fcgi_scripts:\n  limits: {cpu: -1}", "fcgi_scripts.limits.cpu", "must be more than zero", 2, 17),
    ])
    func mistakes(yaml: String, key: String, says: String, line: Int, column: Int) throws {
        let error = try #require(throws: ConfigurationError.self) { try parse(yaml) }
        #expect(error.key == key)
        #expect(error.message.contains(says), "\(error.message)")
        #expect(error.position?.line == line && error.position?.column == column, "\(error)")
    }

    /// `memory` and `processes` are caps of a control group: on a host
    /// that has none for the server, start-up refuses them, naming the key
    /// and where it was set, rather than run without them.
    @Test(arguments: [("memory: 64M", "cgi[0].limits.memory", "memory", 15), ("processes: 5", "cgi[0].limits.processes", "pids", 18)])
    func aCapWithoutAControlGroupIsRefusedAtStartUp(limit: String, key: String, controller: String, column: Int) throws {
        let configuration = try parse("cgi:\n  - url: /cgi-bin\n    limits:\n      cpu: 5\n      \(limit)\n")
        var limits = SiteLimits(configuration: configuration, logger: TestLog.logger(), host: ControlGroupHost())
        let error = try #require(throws: ConfigurationError.self) {
            try limits.prepare(configuration.cgiMounts[0].limits, key: "cgi[0].limits", label: "cgi-0")
        }
        #expect(error.key == key)
        #expect(error.message.contains("cannot be applied on this host") && error.message.contains("no \(controller) control group"), "\(error.message)")
        #expect(error.position?.line == 5 && error.position?.column == column, "\(error)")
        #expect(limits.groups?.all.isEmpty ?? true)
    }

    /// rlimits alone need no control group: `cpu` starts anywhere.
    @Test func rlimitsAloneNeedNoControlGroup() throws {
        let configuration = try parse("cgi:\n  - url: /cgi-bin\n    limits: {cpu: 5, open_files: 100, file_size: 1M}\n")
        var limits = SiteLimits(configuration: configuration, logger: TestLog.logger(), host: ControlGroupHost())
        let (applied, group) = try limits.prepare(configuration.cgiMounts[0].limits, key: "cgi[0].limits", label: "cgi-0")
        #expect(group == nil)
        #expect(applied.cpuSeconds == 5)
    }
}
