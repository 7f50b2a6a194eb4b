import ArgumentParser
import Hearth

/// `hearth doctor [DIR]`: what would break each script under CGI.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a script directory for what would break its scripts under CGI."
    )

    @Argument(help: "The script directory. Default ./cgi-bin.")
    var directory: String = "cgi-bin"

    @Option(name: .customLong("interpreter-extension"), help: "An extension run by an interpreter (e.g. php); repeatable.")
    var interpreterExtensions: [String] = []

    func run() async throws {
        let findings = try ScriptDoctor(interpreterExtensions: Set(interpreterExtensions)).examine(directory: directory)
        for finding in findings { print(finding) }
        if findings.isEmpty {
            print("\(directory): no problems found")
        } else {
            throw ExitCode(1)
        }
    }
}
