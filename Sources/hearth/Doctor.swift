import ArgumentParser
import Foundation
import Hearth
import HearthGateway
import HearthScripts
import HearthProcess

/// `hearth doctor [DIR]`: what would break each script under CGI.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a script directory for what would break its scripts under CGI."
    )

    @Argument(help: "The script directory. Default ./cgi-bin.")
    var directory: String = "cgi-bin"

    @Option(name: .customLong("interpreter-extension"), help: "An extension run by an interpreter (e.g. php); repeatable.")
    var interpreterExtensions: [String] = []

    @Option(help: "A config file to check as the server would run it: as root, does it set server.user?")
    var config: String?

    func run() async throws {
        var findings = try ScriptDoctor(interpreterExtensions: Set(interpreterExtensions)).examine(directory: directory).map(\.description)
        if let config { findings += try Self.serverFindings(config: config) }
        for finding in findings { print(finding) }
        if findings.isEmpty {
            print("\(directory): no problems found")
        } else {
            throw ExitCode(1)
        }
    }

    /// What the server itself would do wrong with this configuration, run
    /// by this user: as root with no `server.user`, every script and worker
    /// runs as root.
    static func serverFindings(config: String) throws -> [String] {
        do {
            return serverFindings(try ConfigurationFile.load(path: config), label: config)
        } catch let error as ConfigurationError {
            throw Failure(message: "\(error)", code: .configuration)
        }
    }

    /// The same for a configuration already read; `label` names it.
    static func serverFindings(_ configuration: HearthConfiguration, label config: String) -> [String] {
        var findings = configuration.mountsOfEveryHost.flatMap(\.mounts.cgiMounts).flatMap { mount in
            mount.runAs.map { RunAsFindings.scripts(in: mount, account: $0, minimums: configuration.runAsMinimums) } ?? []
        }
        if Privileges.isRoot, configuration.server.user == nil {
            findings.append("\(config): run as root with no server.user, every script and worker runs as root; set server.user (e.g. www-data) or start hearth as that user")
        }
        return findings
    }
}

/// The scripts of a `run_as` mount that the privileged spawner would
/// refuse, by the same rules (`RunAsRules`): found before a visitor does.
enum RunAsFindings {
    static func scripts(in mount: CGIMountConfiguration, account: RunAsAccount, minimums: RunAsAccount.Minimums) -> [String] {
        let policy = RunAsPolicy(
            label: mount.urlPath, account: account,
            programs: .scripts(directory: mount.directory, interpreters: mount.interpreters.values.sorted()), minimums: minimums
        )
        return files(in: mount.directory).compactMap { file -> String? in
            let interpreter = mount.interpreters[(file as NSString).pathExtension]
            guard interpreter != nil || access(file, X_OK) == 0 else { return nil }
            do {
                try RunAsRules.check(executable: interpreter ?? file, script: file, policy: policy)
                return nil
            } catch {
                return "\(file): run_as \(account.user) would refuse it, 500 for every request: \(error)"
            }
        }
    }

    private static func files(in directory: String) -> [String] {
        guard let walk = FileManager.default.enumerator(atPath: directory) else { return [] }
        return walk.compactMap { $0 as? String }.map { directory + "/" + $0 }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }
}
