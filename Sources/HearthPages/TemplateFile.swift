#if canImport(Glibc)
import Glibc
#endif

/// One version of a file, as `stat` tells it. A template is compiled again
/// when any of these changes: an edit changes the modification and change
/// times, a replacement (editors that write a new file and rename it) the
/// inode, and `cp -p` over it, which restores the old modification time,
/// still changes the change time.
struct FileVersion: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int
    var modified: Int128
    var changed: Int128
    var isRegularFile: Bool

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        modified = Int128(info.st_mtim.tv_sec) * 1_000_000_000 + Int128(info.st_mtim.tv_nsec)
        changed = Int128(info.st_ctim.tv_sec) * 1_000_000_000 + Int128(info.st_ctim.tv_nsec)
        isRegularFile = info.st_mode & 0o170000 == 0o100000  // S_IFMT, S_IFREG
    }

    /// The version of the file at `path` (symlinks followed); nil if absent.
    static func of(_ path: String) -> FileVersion? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileVersion(info)
    }
}

/// A template's text and the version it was read from.
struct TemplateText {
    /// A template is a page, not a data file: 1 MiB is far more than any
    /// page needs, and bounds what one request can make the server read.
    static let maxBytes = 1 << 20

    var text: String
    var version: FileVersion

    /// Reads `path` (already resolved under the root). The version comes
    /// from `fstat` on the descriptor, so it describes the bytes read even
    /// if the file is replaced meanwhile.
    static func read(_ path: String) throws(PageError) -> TemplateText {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw PageError(file: path, problem: .unreadable(String(cString: strerror(errno)))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PageError(file: path, problem: .unreadable("fstat failed")) }
        let version = FileVersion(info)
        guard version.isRegularFile else { throw PageError(file: path, problem: .unreadable("not a regular file")) }
        guard version.size <= maxBytes else { throw PageError(file: path, problem: .tooLarge(limit: maxBytes)) }
        let bytes = try readAll(fd, path: path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PageError(file: path, line: firstInvalidLine(bytes), problem: .notUTF8)
        }
        return TemplateText(text: text, version: version)
    }

    /// Reads to the end, up to one byte past the limit (a file that grew
    /// since `fstat` is refused, not truncated).
    private static func readAll(_ fd: CInt, path: String) throws(PageError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw PageError(file: path, problem: .unreadable(String(cString: strerror(errno))))
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            if bytes.count > maxBytes { throw PageError(file: path, problem: .tooLarge(limit: maxBytes)) }
        }
    }

    /// The 1-based line of the first byte that is not UTF-8. Lines can be
    /// checked one by one: a newline byte never occurs inside a multi-byte
    /// UTF-8 sequence.
    static func firstInvalidLine(_ bytes: [UInt8]) -> Int? {
        for (index, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            if String(validating: line, as: UTF8.self) == nil { return index + 1 }
        }
        return nil
    }
}
