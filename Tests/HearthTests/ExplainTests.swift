import Foundation
import HearthTesting
import Testing

/// `hearth explain URL` (issue 23, part 7) through the real binary: which
/// mount, which file, how it runs, the environment — and that environment
/// is the one a real script prints when the real server runs it for the
/// same request, so the two cannot drift.
@Suite struct ExplainTests {
    struct Outcome {
        var status: Int32
        var output: String
        var errors: String

        /// The `NAME=value` lines under `environment:`.
        var environment: [String: String] {
            var variables: [String: String] = [:]
            for line in output.split(separator: "\n").drop(while: { $0 != "environment:" }).dropFirst() where line.hasPrefix("  ") {
                let pair = line.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                variables[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
            }
            return variables
        }
    }

    /// Runs `hearth explain ARGUMENTS` to its end (at most 20 s).
    static func explain(_ arguments: [String], in directory: String) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HearthProcess.executable)
        process.arguments = ["explain"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let killer = Task {
            try await Task.sleep(for: .seconds(20))
            process.terminate()
        }
        async let errorText = Task.detached { String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }.value
        let text = await Task.detached { String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }.value
        let errorsRead = await errorText
        process.waitUntilExit()
        killer.cancel()
        return Outcome(status: process.terminationStatus, output: text, errors: errorsRead)
    }

    /// Prints its whole environment, sorted: Perl adds nothing to it.
    static let envDump = "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\n\";\nprint \"$_=$ENV{$_}\\n\" for sort keys %ENV;\n"

    static func environment(fromBody text: String) -> [String: String] {
        var variables: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let pair = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            variables[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
        return variables
    }

    func site() throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        try directory.write("cgi-bin/env.pl", Self.envDump, mode: 0o755)
        try directory.write("cgi-bin/page.php", "<?php\nheader('Content-Type: text/plain');\nforeach (getenv() as $k => $v) { echo \"$k=$v\\n\"; }\n")
        try directory.write("public/index.html", "home")
        try directory.write("public/docs/a.txt", "a")
        let real = URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path
        return (directory, real)
    }

    @Test func aStaticFileIsNamedWithItsMount() async throws {
        let (directory, real) = try site()
        let outcome = try await Self.explain(["/index.html"], in: directory.path)
        #expect(outcome.status == 0, "\(outcome.errors)")
        #expect(outcome.output.contains("mount: / → static files in \(real)/public"), "\(outcome.output)")
        #expect(outcome.output.contains("runs: static file\nfile: \(real)/public/index.html\n200 OK"), "\(outcome.output)")
        #expect(!outcome.output.contains("environment:"))
        let directoryURL = try await Self.explain(["/docs"], in: directory.path)
        #expect(directoryURL.output.contains("301 Moved Permanently to /docs/"), "\(directoryURL.output)")
    }

    /// The drift check: explain's environment for a request equals what
    /// the real server gives a real script for the same request (all but
    /// REMOTE_PORT, the client's ephemeral port).
    @Test func aCGIScriptsEnvironmentIsWhatTheServerGivesIt() async throws {
        let (directory, real) = try site()
        let hearth = try await HearthProcess.start([], workingDirectory: directory.path)
        let target = "/cgi-bin/env.pl/a%20b/c/?x=1&y=%41"
        let headers = ["Host: 127.0.0.1:\(hearth.port)", "X-Test: yes", "Cookie: a=1", "Accept: text/plain", "Connection: close"]
        let response = try await rawRequest("POST \(target) HTTP/1.1\r\n" + headers.map { $0 + "\r\n" }.joined() + "Content-Length: 3\r\n\r\nabc", port: hearth.port)
        #expect(try await hearth.terminate() == 0)
        #expect(response.status == 200)
        let outcome = try await Self.explain(
            [target, "--method", "POST", "--port", "\(hearth.port)"] + (headers + ["Content-Length: 3"]).flatMap { ["--header", $0] }, in: directory.path
        )
        #expect(outcome.status == 0, "\(outcome.errors)")
        #expect(outcome.output.contains("mount: /cgi-bin/ → CGI scripts in \(real)/cgi-bin"), "\(outcome.output)")
        #expect(outcome.output.contains("runs: CGI script\nfile: \(real)/cgi-bin/env.pl\n"), "\(outcome.output)")
        var explained = outcome.environment, served = Self.environment(fromBody: response.text)
        #expect(explained["PATH_INFO"] == "/a b/c/" && explained["QUERY_STRING"] == "x=1&y=%41" && explained["CONTENT_LENGTH"] == "3")
        // `explain` has no client, so no port: left out, as for a client a
        // trusted proxy named without one.
        #expect(explained.removeValue(forKey: "REMOTE_PORT") == nil)
        #expect(served.removeValue(forKey: "REMOTE_PORT") != nil)
        Self.dropRequestIDs(&explained, &served)
        #expect(explained == served)
    }

    @Test func anInterpreterMappedPHPFileRunsThroughIt() async throws {
        let (directory, real) = try site()
        try directory.write("site.yaml", "cgi:\n  - url: /cgi-bin\n    directory: cgi-bin\n    interpreters: {php: /usr/bin/php-cgi}\nstatic:\n  - url: /\n    root: public\n")
        let hearth = try await HearthProcess.start(["--config", "site.yaml"], workingDirectory: directory.path)
        let response = try await rawRequest("GET /cgi-bin/page.php?q=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", port: hearth.port)
        #expect(try await hearth.terminate() == 0)
        let outcome = try await Self.explain(
            ["/cgi-bin/page.php?q=1", "--config", "site.yaml", "--port", "\(hearth.port)", "--header", "Host: h", "--header", "Connection: close"],
            in: directory.path
        )
        #expect(outcome.output.contains("runs: interpreter /usr/bin/php-cgi, run once per request (CGI)\nfile: \(real)/cgi-bin/page.php\ncommand: /usr/bin/php-cgi \(real)/cgi-bin/page.php"), "\(outcome.output)")
        var explained = outcome.environment, served = Self.environment(fromBody: response.text)
        #expect(explained["REDIRECT_STATUS"] == "200")
        explained["REMOTE_PORT"] = nil
        served["REMOTE_PORT"] = nil
        Self.dropRequestIDs(&explained, &served)
        #expect(explained == served)
    }

    /// Each request has its own id: the explained one has `UNIQUE_ID` (no
    /// `X-Request-Id` was given, so no `HTTP_X_REQUEST_ID`), the served one
    /// both, the same.
    static func dropRequestIDs(_ explained: inout [String: String], _ served: inout [String: String]) {
        #expect(explained.removeValue(forKey: "UNIQUE_ID")?.count == 16)
        let id = served.removeValue(forKey: "UNIQUE_ID")
        #expect(id != nil && served.removeValue(forKey: "HTTP_X_REQUEST_ID") == id)
    }

    /// With `hosts:`, the host the Host field chose is named, and an
    /// unknown name lands on the default host, as a request would.
    @Test(arguments: [("wiki.example.net", "host: wiki.example.net (wiki.example.net, *.wiki.example.net)"), ("a.wiki.example.net", "host: a.wiki.example.net (wiki.example.net, *.wiki.example.net)"), ("elsewhere.example", "host: example.org (example.org)")])
    func theHostChosenIsNamed(field: String, line: String) async throws {
        let directory = try TemporaryDirectory()
        try directory.write("main/index.html", "main\n")
        try directory.write("wiki/index.html", "wiki\n")
        try directory.write("site.yaml", """
            hosts:
              - {names: [example.org], default: true, static: [{url: /, root: main}]}
              - {names: [wiki.example.net, "*.wiki.example.net"], static: [{url: /, root: wiki}]}
            """)
        let outcome = try await Self.explain(["/index.html", "--config", "site.yaml", "--header", "Host: \(field)"], in: directory.path)
        #expect(outcome.status == 0, "\(outcome.errors)")
        #expect(outcome.output.contains("\n\(line)\n"), "\(outcome.output)")
        #expect(outcome.output.contains(field.hasSuffix("wiki.example.net") ? "/wiki/index.html" : "/main/index.html"), "\(outcome.output)")
    }

    /// Nothing runs: the pool's program would leave a mark if started.
    @Test func aFastCGIMountIsExplainedWithoutStartingItsPool() async throws {
        let (directory, _) = try site()
        let mark = directory.path + "/started"
        try directory.write("app.fcgi", "#!/bin/sh\ntouch \(mark)\nsleep 30\n", mode: 0o755)
        try directory.write("site.yaml", """
            fastcgi:
              - url: /app
                command: app.fcgi
                min_processes: 2
                params: {GITWEB_CONFIG: /etc/gitweb.conf}
            """.replacingOccurrences(of: "app.fcgi", with: directory.path + "/app.fcgi"))
        let outcome = try await Self.explain(["/app/project/tree?h=1", "--config", "site.yaml", "--header", "Host: git.example"], in: directory.path)
        #expect(outcome.status == 0, "\(outcome.errors)")
        #expect(outcome.output.contains("runs: FastCGI pool \(directory.path)/app.fcgi, 2–8 workers"), "\(outcome.output)")
        #expect(outcome.output.contains("params: GITWEB_CONFIG (after the request's variables)"))
        let environment = outcome.environment
        #expect(environment["SCRIPT_NAME"] == "/app" && environment["PATH_INFO"] == "/project/tree" && environment["QUERY_STRING"] == "h=1")
        #expect(environment["SERVER_NAME"] == "git.example" && environment["GITWEB_CONFIG"] == "/etc/gitweb.conf")
        #expect(outcome.output.hasSuffix("  GITWEB_CONFIG=/etc/gitweb.conf\n"), "params come last: \(outcome.output)")
        #expect(!FileManager.default.fileExists(atPath: mark), "the pool was started")
    }

    @Test(arguments: [
        ("/nothing-here.txt", "answer: 404 Not Found"),
        ("/cgi-bin/nope.pl", "answer: 404 Not Found: no script at /cgi-bin/nope.pl"),
        ("/cgi-bin/%2e%2e/public/index.html", "answer: 400 Bad Request: dot segment %2e%2e in path"),
        ("/cgi-bin/..%2f..%2fetc/passwd", "answer: 404 Not Found: encoded slash in path segment ..%2f..%2fetc"),
        ("/cgi-bin/page.php", "answer: 403 Forbidden: not executable"),
    ])
    func refusalsArePrintedAsTheServerWouldAnswer(_ target: String, _ answer: String) async throws {
        let (directory, _) = try site()
        let outcome = try await Self.explain([target], in: directory.path)
        #expect(outcome.status == 1)
        #expect(outcome.output.hasPrefix("GET \(target)\n\(answer)"), "\(outcome.output)")
    }

    @Test func aBadConfigIsAConfigurationError() async throws {
        let (directory, _) = try site()
        try directory.write("site.yaml", "fastcgi:\n  - url: /app\n    connect: 127.0.0.1:9000\n    params: {REMOTE_ADDR: 1.2.3.4}\n")
        let outcome = try await Self.explain(["/app/", "--config", "site.yaml"], in: directory.path)
        #expect(outcome.status == 78)
        #expect(outcome.errors.contains("site.yaml:4:14: fastcgi[0].params.REMOTE_ADDR: REMOTE_ADDR is a request variable"), "\(outcome.errors)")
        let usage = try await Self.explain(["/", "--header", "no colon"], in: directory.path)
        #expect(usage.status == 64)
    }
}
