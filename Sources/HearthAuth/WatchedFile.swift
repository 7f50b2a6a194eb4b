#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A small text file read again when it changes: its identity, size and
/// modification time are checked with one stat(2) per use, so an edited
/// htpasswd or groups file takes effect on the next request, without a
/// reload (Apache reads them per request).
final class WatchedFile<Parsed: Sendable>: Sendable {
    struct Stamp: Equatable {
        var device: UInt64, inode: UInt64, size: Int64, seconds: Int, nanoseconds: Int
    }

    struct Unreadable: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason)" }
    }

    let path: String
    private let parse: @Sendable (String) -> Parsed
    private let cache = Mutex<(stamp: Stamp, value: Parsed)?>(nil)

    init(path: String, parse: @escaping @Sendable (String) -> Parsed) {
        self.path = path
        self.parse = parse
    }

    /// The parsed contents, read again only if the file changed.
    func current() throws -> Parsed {
        let stamp = try Self.stamp(path)
        if let cached = cache.withLock({ $0 }), cached.stamp == stamp { return cached.value }
        let value = parse(try Self.readText(path))
        cache.withLock { $0 = (stamp, value) }
        return value
    }

    private static func stamp(_ path: String) throws -> Stamp {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw Unreadable(path: path, reason: "not a regular file") }
        return Stamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec)
        )
    }

    private static func readText(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw Unreadable(path: path, reason: String(cString: strerror(errno))) }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The lines of an Apache user or group file that carry data: no blank
/// lines, no `#` comments, no trailing CR. (CR LF is one Character in
/// Swift, so lines are split on both.)
func dataLines(_ text: String) -> [(number: Int, text: Substring)] {
    text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.enumerated().compactMap { index, line in
        let line = line.last == "\r" ? line.dropLast() : line
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        return trimmed.isEmpty || trimmed.hasPrefix("#") ? nil : (index + 1, line)
    }
}
