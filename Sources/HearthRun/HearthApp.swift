#if canImport(Glibc)
import Glibc
#endif
import HearthWeb

/// One binary, three temperatures (DESIGN.md): a program's main calls
/// `HearthApp.run(handler)`, which looks at how the process was started and
/// serves accordingly, as Go's `cgi.Serve` / `fcgi.Serve` / `http.Serve`
/// in one call.
///
/// Named `HearthApp`, not `Hearth`: a type named like the `Hearth` module
/// that re-exports it would shadow the module in qualified names
/// (`Hearth.SiteBuilder` would look inside the type and fail).
public enum HearthApp {
    /// How this process was started.
    public enum Mode: Sendable, Equatable {
        /// A FastCGI worker: a listening socket on fd 0 (FastCGI 1.0 §2.2).
        case fastCGI
        /// A CGI program: GATEWAY_INTERFACE in the environment (RFC 3875 §4.1.4).
        case cgi
        /// On its own: it serves HTTP on 127.0.0.1 at this port.
        case standalone(port: Int)
    }

    /// FastCGI first: a worker pool may also pass GATEWAY_INTERFACE in the
    /// workers' environment, while a CGI child's fd 0 is a pipe or a file.
    /// Standalone: `--port N`, else `PORT`, else 8080.
    public static func detectMode(arguments: [String] = CommandLine.arguments) -> Mode {
        if FastCGIListenSocket.isListening { return .fastCGI }
        if getenv("GATEWAY_INTERFACE") != nil { return .cgi }
        let environmentPort = getenv("PORT").map { String(cString: $0) }
        let port = (try? ProgramArguments.parse(Array(arguments.dropFirst()), environmentPort: environmentPort).get())?.port
        return .standalone(port: port ?? 8080)
    }

    /// Serves `handler` the way this process was started: one request as
    /// a CGI program, requests from the host's connections as a FastCGI
    /// worker until the pool stops it, or HTTP until SIGTERM/SIGINT.
    /// `warmUp` runs first, before any request is read (open a database,
    /// fill a cache: mod_python's PythonImport). On its own, the program
    /// takes `--port N` and `--help` (`ProgramArguments`). If the warm-up
    /// throws, or the port cannot be had, nothing is served: the error is
    /// one line on standard error and the program exits with status 1
    /// (never a crash).
    public static func run(_ handler: some HearthHandler, warmUp: (@Sendable () async throws -> Void)? = nil) async throws {
        let mode = detectMode()
        if case .standalone = mode {
            _ = ProgramArguments.fromCommandLine(usage: Self.usage)
        }
        do {
            try await warmUp?()
        } catch {
            ProgramExit.failure("warm-up failed: \(error)").perform(usage: Self.usage)
        }
        switch mode {
        case .fastCGI: await FastCGIRunner.serve(handler)
        case .cgi: await CGIRunner.serve(handler)
        case .standalone(let port):
            do {
                try await StandaloneRunner.serve(handler, port: port)
            } catch {
                ProgramExit.failure("\(error)").perform(usage: Self.usage)
            }
        }
    }

    static var usage: String {
        """
        usage: \(ProgramExit.programName) [--port N]
          On its own, serves HTTP on 127.0.0.1:N (--port, else PORT, else 8080) until SIGTERM or SIGINT.
          Started by a CGI server (GATEWAY_INTERFACE set) it answers one request; started by a
          FastCGI pool (a listening socket on fd 0) it serves as a worker. Neither takes arguments.
        """
    }
}

// A program's `main` sizes the event loops before anything starts them
// (`EventLoopSizing.fitSingletonGroupToAffinity()`), so the one type comes
// with `import HearthRun` and `import Hearth`.
@_exported import enum HearthHTTP.EventLoopSizing
