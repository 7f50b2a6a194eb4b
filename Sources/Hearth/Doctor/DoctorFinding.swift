/// One thing that would stop a file in a script directory from running as a
/// CGI program, found by ``ScriptDoctor``.
public struct DoctorFinding: Sendable, Equatable, CustomStringConvertible {
    /// The file, as the directory given to ``ScriptDoctor/examine(directory:)``
    /// joined with the file's path below it.
    public var path: String
    public var problem: DoctorProblem

    public init(path: String, problem: DoctorProblem) {
        self.path = path
        self.problem = problem
    }

    /// One line: `PATH: what is wrong; how to fix`.
    public var description: String {
        "\(path): \(problem.summary); \(problem.remedy)"
    }
}

/// What is wrong with a script. The order of the cases is the order in which
/// a file's findings are listed: the first one stops it running at all.
public enum DoctorProblem: Sendable, Hashable, Comparable {
    /// The server runs only executable files (SECURITY.md: anything else is 403).
    case notExecutable
    /// Neither a `#!` line nor an ELF binary: execve(2) fails with ENOEXEC.
    case noShebang
    /// The `#!` interpreter, or the command given to `env`, as written in the
    /// file, does not exist or is not executable.
    case interpreterMissing(String)
    /// The `#!` line ends in CR, which the kernel keeps as part of the last
    /// word of the line (named here): "/bin/sh\r" is no file.
    case crlfLineEndings(lastWord: String)
    /// Anyone on the machine can change what the server runs.
    case worldWritable
    /// A Python script imports `cgi` or `cgitb` (named here), both removed in
    /// Python 3.13 by PEP 594.
    case importsRemovedModule(String)

    /// What is wrong, in a few words.
    public var summary: String {
        switch self {
        case .notExecutable: "not executable"
        case .noShebang: "no #! line"
        case .interpreterMissing(let name): "interpreter '\(name)' not found or not executable"
        case .crlfLineEndings(let word): "CRLF line endings: the kernel looks for '\(word)\\r'"
        case .worldWritable: "world-writable"
        case .importsRemovedModule(let module): "imports the \(module) module, removed in Python 3.13 (PEP 594)"
        }
    }

    /// How to fix it, as a command where there is one.
    public var remedy: String {
        switch self {
        case .notExecutable: "chmod +x"
        case .noShebang: "add one, such as #!/bin/sh, or map the extension to an interpreter"
        case .interpreterMissing: "install it or correct the #! line"
        case .crlfLineEndings: "run dos2unix"
        case .worldWritable: "chmod o-w"
        case .importsRemovedModule("cgitb"):
            // cgitb's traceback page starts with `<!--: spam`, no header
            // a strict parser takes: 502 until the mount is lenient.
            "port it (the traceback module, logging) or install legacy-cgi from PyPI; its traceback page starts with the line '<!--: spam', which the mount serves with script_headers: lenient (else 502)"
        case .importsRemovedModule: "port it (urllib.parse, email.message) or install legacy-cgi from PyPI"
        }
    }
}
