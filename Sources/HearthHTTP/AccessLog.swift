#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where access-log lines go, one per response, each already formatted by
/// the server's `AccessLogFormat` (Apache's Combined Log Format unless the
/// configuration says otherwise).
public protocol AccessLogSink: Sendable {
    func log(_ line: String)
}

/// Appends lines to a file descriptor (stdout, or a file opened by the
/// executable), one write(2) per line so concurrent lines never interleave.
/// A file can be opened again at its path (`reopen`, on SIGUSR1) once
/// logrotate has moved it away.
public final class FileAccessLog: AccessLogSink {
    private let descriptor: Mutex<Int32>
    /// The file's path; nil for a descriptor given as it is (stdout).
    public let path: String?

    public init(descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
        self.path = nil
    }

    /// Opens `path` for appending, creating it if needed.
    public init?(path: String) {
        let fd = Self.open(path)
        guard fd >= 0 else { return nil }
        self.descriptor = Mutex(fd)
        self.path = path
    }

    public func log(_ line: String) {
        descriptor.withLock { fd in
            var text = line
            text.append("\n")
            text.withUTF8 { bytes in _ = write(fd, bytes.baseAddress, bytes.count) }
        }
    }

    /// Opens the path again and writes there from now on; the old file is
    /// closed once no line is being written to it. On failure (the server,
    /// no longer root, may not create a file in a root-owned directory)
    /// lines keep going to the old file and the error says why.
    public func reopen() throws(LogReopenError) {
        guard let path else { return }
        let fresh = Self.open(path)
        guard fresh >= 0 else { throw LogReopenError(path: path, errno: errno) }
        let old = descriptor.withLock { fd in
            defer { fd = fresh }
            return fd
        }
        close(old)
    }

    private static func open(_ path: String) -> Int32 {
        Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    }
}

/// A log file that could not be opened again: which, and why.
public struct LogReopenError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32

    public init(path: String, errno: Int32) {
        self.path = path
        self.errno = errno
    }

    public var description: String { "cannot open \(path) for appending: \(String(cString: strerror(errno)).lowercased())" }
}

/// The escaping of Apache's log formats, for every field a client or a
/// script could have chosen.
enum CombinedLogFormat {
    /// `%u`: escaped like any client text, and a space (legal in a Basic
    /// user-id, RFC 7617 §2) is escaped too so the line keeps its fields.
    static func userField(_ user: String) -> String {
        let escaped = escape(user)
        return escaped.isEmpty ? "\"\"" : escaped.replacingSpaces()
    }

    /// Quotes and control bytes are escaped as Apache does, so a hostile
    /// header cannot forge a log line.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x7F }) else { return text }
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x20..<0x7F: out.unicodeScalars.append(UnicodeScalar(byte))
            default: out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return out
    }
}

extension String {
    fileprivate func replacingSpaces() -> String {
        guard utf8.contains(0x20) else { return self }
        return split(separator: " ", omittingEmptySubsequences: false).joined(separator: "\\x20")
    }
}
