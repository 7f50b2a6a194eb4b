import ArgumentParser

/// `hearth`: serve a site (the default), check a script directory, or score
/// a CGI server against RFC 3875.
struct HearthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth",
        abstract: "Runs CGI scripts as RFC 3875 says, and Swift handlers that stay warm.",
        subcommands: [Serve.self, Doctor.self, Conformance.self],
        defaultSubcommand: Serve.self
    )
}

extension HearthCommand {
    /// What `@main` would do (main.swift installs the executor first).
    static func start() async {
        await main(nil)
    }
}
