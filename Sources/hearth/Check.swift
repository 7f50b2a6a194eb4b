import ArgumentParser
import Foundation
import Hearth
import HearthGateway

/// `hearth check`: validates a configuration and the files it names, as
/// `apachectl configtest` does, without starting anything: the file is
/// read by the server's own loader, the site built as `serve` builds it
/// (no control group made, no listener, no script or worker started),
/// then the files only start-up or a request would open, and every script
/// directory as `hearth doctor` examines it.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a configuration and the files it names; start nothing.",
        discussion: "Prints one line per problem. Exit status: 0 when there is none, 1 when there is any, 64 for a wrong command line."
    )

    @OptionGroup var options: SiteOptions

    func run() async throws {
        let problems = Self.problems(options)
        for problem in problems { print(problem) }
        guard problems.isEmpty else { throw ExitCode(1) }
        print("\(options.config ?? "the default configuration"): OK")
    }

    /// Stops at the first error of the file or of the site (as `serve`
    /// would), else every problem of the files and scripts.
    static func problems(_ options: SiteOptions) -> [String] {
        let configuration: HearthConfiguration
        do {
            configuration = try options.unstartedSite(logLevel: .error).configuration
            // The certificates, as `serve` loads them (a bad one is its exit 78).
            _ = try SiteTLS(configuration)
        } catch {
            return ["\(error)"]
        }
        return ConfigurationDoctor.findings(configuration) + scriptFindings(configuration)
            + Doctor.serverFindings(configuration, label: options.config ?? "hearth")
    }

    /// `hearth doctor` over each script directory, with its interpreters.
    private static func scriptFindings(_ configuration: HearthConfiguration) -> [String] {
        configuration.mountsOfEveryHost.flatMap(\.mounts.cgiMounts).flatMap { mount -> [String] in
            let doctor = ScriptDoctor(interpreterExtensions: Set(mount.interpreters.keys))
            let findings: [DoctorFinding] = (try? doctor.examine(directory: mount.directory)) ?? []
            return findings.map { "\($0)" }
        }
    }
}
