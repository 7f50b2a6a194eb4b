import ArgumentParser
import Foundation
import Hearth
import HearthHTTP
import Logging

/// `hearth explain URL`: which mount answers a URL, which file, how it
/// runs, and the environment its script would receive, found by the
/// server's own code (the site's mount choice, the resolvers, the
/// environment builder) with nothing started: no listener, no script, no
/// worker (caddy-cgi's `inspect`, `apachectl -S`).
struct Explain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say what the server would do with a request, without running anything.",
        discussion: """
            Exit status: 0 when the request would be served, 1 when the server would answer it with an error \
            (printed with its status and reason), 64 for a wrong command line, 78 for a configuration error.
            """
    )

    @Argument(help: "The request target: /path?query, or http://host:port/path?query.")
    var url: String

    @Option(help: "The request method. Default GET.")
    var method: String = "GET"

    @Option(name: .customLong("header"), help: "A request header, 'Name: value'; repeatable.")
    var headers: [String] = []

    @Option(help: "The client's address (REMOTE_ADDR). Default 127.0.0.1.")
    var client: String = "127.0.0.1"

    @Option(name: .customLong("client-port"), help: "The client's port (REMOTE_PORT). Default 0.")
    var clientPort: Int = 0

    @OptionGroup var options: SiteOptions

    func validate() throws {
        for header in headers where Self.field(header) == nil {
            throw ValidationError("--header: expected 'Name: value', found \(header.debugDescription)")
        }
    }

    func run() async throws {
        let site: Site
        let configuration: HearthConfiguration
        do {
            (configuration, site) = try options.unstartedSite(logLevel: .warning)
        } catch let error as ConfigurationError {
            throw Failure(message: "\(error)", code: .configuration)
        }
        print("\(method) \(url)")
        do {
            let request = try RequestHeadRules.request(
                method: method, target: url, headers: requestHeaders(configuration.server),
                connection: ConnectionInfo(
                    remoteAddress: client, remotePort: clientPort, localAddress: configuration.server.host, localPort: configuration.server.port
                ),
                configuration: configuration.server
            )
            let (mount, explanation) = try site.explain(request)
            print(Self.describe(mount: mount, explanation))
        } catch let error as HTTPError {
            print("answer: \(error.status.code) \(error.status.reasonPhrase)" + (error.message.isEmpty ? "" : ": \(error.message)"))
            throw ExitCode(1)
        }
    }

    /// The given headers; a Host as a client names the server when none
    /// is given and the target is not absolute (`curl` does the same).
    private func requestHeaders(_ server: HTTPServerConfiguration) -> [(String, String)] {
        let given = headers.compactMap(Self.field)
        if url.hasPrefix("/"), !given.contains(where: { $0.0.lowercased() == "host" }) {
            let address = server.host.contains(":") ? "[\(server.host)]" : server.host
            return [("Host", "\(address):\(server.port)")] + given
        }
        return given
    }

    /// `Name: value` → (Name, value), the value trimmed as HTTP trims it.
    static func field(_ text: String) -> (String, String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[..<colon])
        guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        return (name, text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }

    static func describe(mount: Site.Mount, _ explanation: Explanation) -> String {
        var lines = ["mount: \(mount.prefix == "/" ? "/" : mount.prefix + "/") → \(mount.summary)", "runs: \(explanation.handler)"]
        if let file = explanation.file { lines.append("file: \(file)") }
        lines += explanation.notes
        if let environment = explanation.environment {
            lines.append("environment:")
            lines += environment.map { "  \($0.name)=\($0.value)" }
        }
        return lines.joined(separator: "\n")
    }
}
