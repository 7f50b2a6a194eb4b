import Foundation
import HearthCGI
import HearthStatic

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `hearth doctor`: finds what would stop the files of a script directory
/// from running as CGI programs, before a request does.
public struct ScriptDoctor: Sendable {
    /// Extensions (without the dot, any case) that the server runs through a
    /// configured interpreter: such files need neither the executable bit nor
    /// a `#!` line, since the kernel never reads their first line.
    public var interpreterExtensions: Set<String>

    /// The same stat(2) and access(2) decision the gateway makes, so that a
    /// file the doctor passes is one the server will run.
    private let fileSystem = CGIPosixFileSystem()
    private let sniffer = ContentSniffer.shared

    public init(interpreterExtensions: Set<String> = []) {
        self.interpreterExtensions = Set(interpreterExtensions.map { ext in
            String(ext.drop { $0 == "." }).lowercased()
        })
    }

    /// Every problem of every regular file below `directory`, sorted by path,
    /// then problem. Dot files are examined too (the server would run them);
    /// `.git` directories are skipped, and symbolic links to directories are
    /// not followed, so a link loop cannot trap the walk.
    public func examine(directory: String) throws -> [DoctorFinding] {
        guard fileSystem.kind(of: directory) == .directory else {
            throw DoctorError.notADirectory(directory)
        }
        let root = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var files: [String] = []
        try collectFiles(in: root, into: &files)
        let findings = files.flatMap { path in
            problems(ofFile: path).map { DoctorFinding(path: path, problem: $0) }
        }
        return findings.sorted { ($0.path, $0.problem) < ($1.path, $1.problem) }
    }

    /// lstat(2), not stat(2): a link is listed as a file and judged by its
    /// target later, but never descended into.
    private func collectFiles(in directory: String, into files: inout [String]) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR where name != ".git": try collectFiles(in: path, into: &files)
            case S_IFREG, S_IFLNK: files.append(path)
            default: continue
            }
        }
    }

    private func problems(ofFile path: String) -> [DoctorProblem] {
        guard case .file(let executable) = fileSystem.kind(of: path) else { return [] }
        let ext = ContentTypes.pathExtension(of: path)?.lowercased()
        let viaInterpreter = ext.map(interpreterExtensions.contains) ?? false
        var found: [DoctorProblem] = []
        if !executable && !viaInterpreter { found.append(.notExecutable) }
        if isWorldWritable(path) { found.append(.worldWritable) }
        guard let bytes = Self.readStart(of: path) else { return found }
        let shebang = Shebang(fileStart: bytes)
        if !viaInterpreter { found += launchProblems(path, bytes: bytes, shebang: shebang) }
        if ext == "py" || shebang?.mentionsPython == true {
            let source = String(decoding: bytes, as: UTF8.self)
            found += PythonImports.removedModules(importedBy: source).map(DoctorProblem.importsRemovedModule)
        }
        return found
    }

    /// What stops execve(2) from starting the file.
    private func launchProblems(_ path: String, bytes: [UInt8], shebang: Shebang?) -> [DoctorProblem] {
        guard let shebang else {
            return bytes.starts(with: Self.elfMagic) ? [] : [.noShebang]
        }
        var found: [DoctorProblem] = []
        if let missing = shebang.missingProgram(searchPath: Self.searchPath, fileSystem: fileSystem) {
            found.append(.interpreterMissing(missing))
        }
        if shebang.endsInCR || sniffer?.description(ofFile: path)?.contains("with CRLF line terminators") == true {
            found.append(.crlfLineEndings(lastWord: shebang.lastWord))
        }
        return found
    }

    private func isWorldWritable(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IWOTH != 0
    }

    /// The first MiB: enough for the `#!` line and the imports of any
    /// script, without reading a large binary whole.
    private static func readStart(of path: String) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.read(upToCount: 1 << 20) ?? Data())  // nil: empty file
        } catch {
            return nil
        }
    }

    private static let elfMagic: [UInt8] = [0x7F, 0x45, 0x4C, 0x46]  // "\x7FELF"

    /// The PATH a script gets (CGIEnvironmentPolicy's default), which is
    /// where `#!/usr/bin/env` will look, whatever the doctor's own PATH is.
    static let searchPath: [String] = {
        let path = CGIEnvironmentPolicy().baseVariables.first { $0.name == "PATH" }?.value
        return (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
    }()
}

/// Why ``ScriptDoctor/examine(directory:)`` could not start.
public enum DoctorError: Error, Equatable, CustomStringConvertible {
    case notADirectory(String)

    public var description: String {
        switch self {
        case .notADirectory(let path): "\(path): not a directory"
        }
    }
}
