import Foundation
@testable import HearthProcess
import HearthTesting
import Testing

/// suEXEC's rules as the privileged spawner applies them, one file at a
/// time: owners are set with chown to numeric ids, so no user is needed.
@Suite(.enabled(if: getuid() == 0, "chown needs root"))
struct RunAsRulesTests {
    static let target = SpawnCredentials(uid: 4242, gid: 4243, groups: [4243])

    static func policy(_ directory: String, interpreters: [String] = []) -> RunAsPolicy {
        RunAsPolicy(
            label: "test", account: RunAsAccount(user: "test", credentials: target, home: "/"),
            programs: .scripts(directory: directory, interpreters: interpreters), minimums: .init()
        )
    }

    /// A mount directory owned by the target with one good script in it.
    static func mount() throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let script = try directory.write("scripts/ok.cgi", "#!/bin/sh\n", mode: 0o755)
        try own(directory.path + "/scripts")
        try own(script)
        return (directory, directory.path + "/scripts")
    }

    static func own(_ path: String, uid: uid_t = target.uid, gid: gid_t = target.gid) throws {
        guard lchown(path, uid, gid) == 0 else { throw POSIXError(.EPERM) }
    }

    static func rule(_ executable: String, script: String?, _ policy: RunAsPolicy) -> String? {
        do {
            try RunAsRules.check(executable: executable, script: script, policy: policy)
            return nil
        } catch {
            return error.rule
        }
    }

    @Test func aScriptThatKeepsEveryRuleIsAllowed() throws {
        let (directory, scripts) = try Self.mount()
        defer { _ = directory }
        #expect(Self.rule(scripts + "/ok.cgi", script: scripts + "/ok.cgi", Self.policy(scripts)) == nil)
        #expect(Self.rule("/usr/bin/php-cgi", script: scripts + "/ok.cgi", Self.policy(scripts, interpreters: ["/usr/bin/php-cgi"])) == nil)
    }

    @Test func eachBrokenRuleIsNamed() throws {
        let (directory, scripts) = try Self.mount()
        let policy = Self.policy(scripts)
        func refused(_ name: String, _ prepare: (String) throws -> Void) throws -> String? {
            let script = try directory.write("scripts/\(name)", "#!/bin/sh\n", mode: 0o755)
            try Self.own(script)
            try prepare(script)
            return Self.rule(script, script: script, policy)
        }
        #expect(try refused("root.cgi") { try Self.own($0, uid: 0, gid: 0) } == "script-owner")
        #expect(try refused("othergroup.cgi") { try Self.own($0, gid: 4244) } == "script-owner")
        #expect(try refused("g+w.cgi") { chmod($0, 0o775) } == "script-writable")
        #expect(try refused("o+w.cgi") { chmod($0, 0o757) } == "script-writable")
        #expect(try refused("setuid.cgi") { chmod($0, 0o4755) } == "setid")
        #expect(try refused("setgid.cgi") { chmod($0, 0o2755) } == "setid")
        let outside = try directory.write("elsewhere.cgi", "#!/bin/sh\n", mode: 0o755)
        try Self.own(outside)
        symlink(outside, scripts + "/link.cgi")
        #expect(Self.rule(scripts + "/link.cgi", script: scripts + "/link.cgi", policy) == "outside")
        #expect(Self.rule(scripts + "/missing.cgi", script: scripts + "/missing.cgi", policy) == "missing")
        try FileManager.default.createDirectory(atPath: scripts + "/sub.cgi", withIntermediateDirectories: true)
        try Self.own(scripts + "/sub.cgi")
        #expect(Self.rule(scripts + "/sub.cgi", script: scripts + "/sub.cgi", policy) == "not-a-file")
    }

    @Test func theScriptsDirectoryIsCheckedToo() throws {
        let (directory, scripts) = try Self.mount()
        let policy = Self.policy(scripts)
        let script = scripts + "/ok.cgi"
        chmod(scripts, 0o775)
        #expect(Self.rule(script, script: script, policy) == "directory-writable")
        chmod(scripts, 0o755)
        try Self.own(scripts, uid: 0, gid: 0)
        #expect(Self.rule(script, script: script, policy) == "directory-owner")
    }

    /// The program must be the script or one of the mount's interpreters;
    /// a pool may start its command and nothing else; ids below the
    /// minimums are refused whatever the order says.
    @Test func onlyThePoliciesProgramsRunAndNeverAsASystemAccount() throws {
        let (directory, scripts) = try Self.mount()
        defer { _ = directory }
        #expect(Self.rule("/bin/sh", script: scripts + "/ok.cgi", Self.policy(scripts)) == "program")
        #expect(Self.rule(scripts + "/ok.cgi", script: nil, Self.policy(scripts)) == "program")
        let pool = RunAsPolicy(label: "pool", account: RunAsAccount(user: "t", credentials: Self.target, home: "/"), programs: .command("/usr/bin/php-cgi"), minimums: .init())
        #expect(Self.rule("/usr/bin/php-cgi", script: nil, pool) == nil)
        #expect(Self.rule("/usr/bin/php-cgi", script: "/usr/bin/php-cgi", pool) == nil)
        #expect(Self.rule("/bin/sh", script: nil, pool) == "program")
        var system = pool
        system.account.credentials.uid = 33
        #expect(Self.rule("/usr/bin/php-cgi", script: nil, system) == "min-uid")
        system.account.credentials.uid = 4242
        system.account.credentials.gid = 0
        #expect(Self.rule("/usr/bin/php-cgi", script: nil, system) == "min-gid")
    }
}
