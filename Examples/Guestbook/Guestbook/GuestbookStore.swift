#if canImport(Glibc)
import Glibc
#endif

/// One signature.
public struct GuestbookEntry: Sendable, Equatable {
    public var name: String
    public var message: String
}

/// Entries in a file, one line each (`name TAB message`). Appends are one
/// write(2) on an O_APPEND descriptor: the kernel moves to the end and
/// writes in one step, so concurrent writers (cold processes, warm workers,
/// hot tasks) never interleave or overwrite. Nothing is cached: every
/// reader sees every append, at every temperature.
public struct GuestbookStore: Sendable {
    public let path: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func append(_ entry: GuestbookEntry) throws {
        let line = Array((Self.oneLine(entry.name) + "\t" + Self.oneLine(entry.message) + "\n").utf8)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw Failure(description: "write \(path): \(String(cString: strerror(errno)))") }
    }

    /// Every complete line, oldest first; no file yet is no entries.
    public func entries() throws -> [GuestbookEntry] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return [] }
            throw Failure(description: "open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        // A line still being written has no newline yet: leave it for later.
        let complete = bytes.lastIndex(of: 0x0A).map { bytes[...$0] } ?? []
        return complete.split(separator: 0x0A).compactMap { line in
            let fields = line.split(separator: 0x09, maxSplits: 1, omittingEmptySubsequences: false)
            guard fields.count == 2 else { return nil }
            return GuestbookEntry(name: String(decoding: fields[0], as: UTF8.self), message: String(decoding: fields[1], as: UTF8.self))
        }
    }

    /// Tabs and line breaks would break the file's format: they become spaces.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}
