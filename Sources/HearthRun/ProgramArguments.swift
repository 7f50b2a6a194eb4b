#if canImport(Glibc)
import Glibc
#endif

/// The command line of a program that serves on its own (`HearthApp.run`
/// standalone, `SiteBuilder.serveProgram`): `--port N` (0–65535; else the
/// `PORT` variable) and `--help`. A wrong command line is one line on
/// standard error and exit status 64, a failure to serve one line and 1:
/// an ordinary failure never ends a program in a crash and a stack trace.
public struct ProgramArguments: Sendable, Equatable {
    /// nil: neither `--port` nor `PORT` was given.
    public var port: Int?

    public init(port: Int? = nil) {
        self.port = port
    }

    /// What `arguments` (without the program's name) and `PORT` say, or
    /// the reason they cannot be used.
    public static func parse(_ arguments: [String], environmentPort: String?) -> Result<ProgramArguments, ProgramExit> {
        var parsed = ProgramArguments()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            if argument == "--help" || argument == "-h" { return .failure(.help) }
            let value: String
            if argument == "--port", let next = rest.popFirst() {
                value = next
            } else if argument.hasPrefix("--port=") {
                value = String(argument.dropFirst("--port=".count))
            } else {
                return .failure(.usage("unknown argument \(argument.debugDescription)"))
            }
            guard let port = Int(value), (0...65535).contains(port) else { return .failure(.usage("--port: expected 0 to 65535, found \(value.debugDescription)")) }
            parsed.port = port
        }
        if parsed.port == nil, let text = environmentPort {
            guard let port = Int(text), (0...65535).contains(port) else { return .failure(.usage("PORT: expected 0 to 65535, found \(text.debugDescription)")) }
            parsed.port = port
        }
        return .success(parsed)
    }

    /// `CommandLine.arguments` and `PORT`; prints the usage or the error
    /// and exits when they ask for it.
    public static func fromCommandLine(usage: String) -> ProgramArguments {
        let environmentPort = getenv("PORT").map { String(cString: $0) }
        switch parse(Array(CommandLine.arguments.dropFirst()), environmentPort: environmentPort) {
        case .success(let arguments): return arguments
        case .failure(let exit): exit.perform(usage: usage)
        }
    }
}

/// How a program ends early.
public enum ProgramExit: Error, Sendable, Equatable {
    case help
    case usage(String)
    case failure(String)

    /// Prints and exits: the usage on standard output with status 0 for
    /// `--help`; otherwise one line on standard error, `NAME: message`,
    /// with status 64 (EX_USAGE) or 1.
    public func perform(usage: String) -> Never {
        switch self {
        case .help:
            Self.write(1, usage.hasSuffix("\n") ? usage : usage + "\n")
            exit(0)
        case .usage(let message):
            Self.write(2, "\(Self.programName): \(message)\n\(usage.hasSuffix("\n") ? usage : usage + "\n")")
            exit(64)
        case .failure(let message):
            Self.write(2, "\(Self.programName): \(message)\n")
            exit(1)
        }
    }

    private static func write(_ descriptor: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    public static var programName: String {
        String(CommandLine.arguments.first?.split(separator: "/").last ?? "program")
    }
}
