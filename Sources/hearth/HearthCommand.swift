import ArgumentParser
import Foundation
import HearthHTTP

/// `hearth`: serve a site (the default), check a configuration or a script
/// directory, explain a request, or score a CGI server against RFC 3875.
struct HearthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth",
        abstract: "Runs CGI scripts as RFC 3875 says, and Swift handlers that stay warm.",
        version: HearthVersion.number,
        subcommands: [Serve.self, Check.self, Doctor.self, Explain.self, Conformance.self],
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
            // Where whoever started hearth reads it, even when `error_log`
            // has put a file in place of standard error.
            FileHandle(fileDescriptor: LogFiles.console.withLock { $0 }).write(Data("hearth: \(failure.message)\n".utf8))
            Foundation.exit(failure.code.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
