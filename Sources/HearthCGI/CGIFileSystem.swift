#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the resolver needs to know about a path; a protocol so that the
/// traversal rules can be tested as a table without touching the disk.
public protocol CGIFileSystem: Sendable {
    func kind(of path: String) -> CGIFileKind
    /// The absolute path with every symlink resolved, or nil.
    func realPath(_ path: String) -> String?
}

public enum CGIFileKind: Sendable, Equatable {
    case missing
    case directory
    case file(executable: Bool)
    /// A device, socket or FIFO: never run.
    case other
}

/// The real file system, through stat(2), access(2) and realpath(3).
public struct CGIPosixFileSystem: CGIFileSystem {
    public init() {}

    public func kind(of path: String) -> CGIFileKind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file(executable: access(path, X_OK) == 0)
        default: return .other
        }
    }

    public func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
