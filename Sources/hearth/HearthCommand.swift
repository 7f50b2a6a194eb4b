import ArgumentParser
import Foundation
import HearthHTTP

/// `hearth`: serve a site (the default), check a script directory, or score
/// a CGI server against RFC 3875.
struct HearthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth",
        abstract: "Runs CGI scripts as RFC 3875 says, and Swift handlers that stay warm.",
        version: HearthVersion.number,
        subcommands: [Serve.self, Doctor.self, Explain.self, Conformance.self],
        defaultSubcommand: Serve.self
    )
}

extension HearthCommand {
    /// What `@main` would do (main.swift installs the executor first).
    /// A `Failure` is printed as one line and exits with its own status;
    /// everything else is ArgumentParser's (usage errors: 64).
    static func start() async {
        do {
            var command = try parseAsRoot(nil)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("hearth: \(failure.message)\n".utf8))
            Foundation.exit(failure.code.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
