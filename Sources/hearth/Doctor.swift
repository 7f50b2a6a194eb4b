import ArgumentParser
import Hearth
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
        let configuration: HearthConfiguration
        do {
            configuration = try ConfigurationFile.load(path: config)
        } catch let error as ConfigurationError {
            throw Failure(message: "\(error)", code: .configuration)
        }
        guard Privileges.isRoot, configuration.server.user == nil else { return [] }
        return ["\(config): run as root with no server.user, every script and worker runs as root; set server.user (e.g. www-data) or start hearth as that user"]
    }
}
