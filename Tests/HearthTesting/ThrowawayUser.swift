import Foundation

/// A user of its own for one test, made with useradd and removed with
/// userdel (with its group). A system user (below 1000) by default, as a
/// server's `server.user` is; `system: false` makes an ordinary one, as a
/// `run_as` account must be (min_uid 1000).
public final class ThrowawayUser: Sendable {
    public let name = "hearth-t-" + String(UUID().uuidString.prefix(8)).lowercased()

    public init(system: Bool = true) throws {
        let kind = system ? ["--system"] : ["--user-group"]
        try Self.run("/usr/sbin/useradd", kind + ["--no-create-home", "--shell", "/usr/sbin/nologin", name])
    }

    deinit { try? Self.run("/usr/sbin/userdel", [name]) }

    public var ids: (uid: String, gid: String) {
        get throws { (try Self.output("/usr/bin/id", ["-u", name]), try Self.output("/usr/bin/id", ["-g", name])) }
    }

    public static func run(_ program: String, _ arguments: [String]) throws {
        let process = try Process.run(URL(fileURLWithPath: program), arguments: arguments)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: program]) }
    }

    static func output(_ program: String, _ arguments: [String]) throws -> String {
        try ProgramOutput.of(program, arguments).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
