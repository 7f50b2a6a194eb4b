import CLibMagic
import Synchronization

/// Content detection by libmagic, for files whose name says nothing, and for
/// `hearth doctor`, which needs libmagic's plain-language description.
///
/// Safe to share between threads: a libmagic handle is not, so the one handle
/// lives in a `Mutex`, and every call sets its flags and asks under the lock.
public final class ContentSniffer: Sendable {
    private let cookie: Mutex<OpaquePointer>

    /// One sniffer for the whole process: loading the magic database costs
    /// milliseconds, so it is done once, on first use. Nil when libmagic or
    /// its database cannot be loaded.
    package static let shared: ContentSniffer? = ContentSniffer()

    /// Opens libmagic with the system's default database; nil if either fails.
    public init?() {
        guard let handle = magic_open(MAGIC_MIME) else { return nil }
        guard magic_load(handle, nil) == 0 else {
            magic_close(handle)
            return nil
        }
        cookie = Mutex(handle)
    }

    deinit {
        cookie.withLock { magic_close($0) }
    }

    /// The MIME type libmagic detects, such as `image/png` or
    /// `text/plain; charset=us-ascii`; nil if the file cannot be read.
    /// libmagic's `charset=binary` is dropped: it means "not text", which is
    /// no charset a client could use.
    public func mimeType(ofFile path: String) -> String? {
        guard let answer = ask(path, flags: MAGIC_MIME) else { return nil }
        return answer.replacing("; charset=binary", with: "")
    }

    /// libmagic's description, such as `POSIX shell script, ASCII text
    /// executable, with CRLF line terminators`; nil if the file cannot be read.
    public func description(ofFile path: String) -> String? {
        ask(path, flags: MAGIC_NONE)
    }

    /// MAGIC_ERROR makes a missing or unreadable file an error (nil) instead
    /// of a description such as "cannot open"; MAGIC_SYMLINK describes the
    /// target of a link, which is what a request would be served.
    private func ask(_ path: String, flags: Int32) -> String? {
        cookie.withLock { handle in
            guard magic_setflags(handle, flags | MAGIC_ERROR | MAGIC_SYMLINK) == 0,
                let answer = magic_file(handle, path)
            else { return nil }
            return String(cString: answer)
        }
    }
}

/// The `Content-Type` to serve a file with: the extension table first (the
/// author's intent), then libmagic (the bytes), else
/// `application/octet-stream`, which makes a browser download rather than
/// render what nobody could identify.
public func contentType(forFile path: String) -> String {
    if let type = ContentTypes.forPath(path) { return type }
    return ContentSniffer.shared?.mimeType(ofFile: path) ?? "application/octet-stream"
}

/// `contentType(forFile:)` remembered by file and version (its entity tag:
/// inode, size, modification time), so libmagic reads a file without a
/// known extension once, not on every request; a changed file is sniffed
/// again.
final class SniffedTypes: Sendable {
    private let entries = Mutex<[String: (tag: String, type: String)]>([:])
    private let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    func contentType(forFile path: String, entityTag: String) -> String {
        // A name the table knows needs nothing remembered (nor the lock).
        if let type = ContentTypes.forPath(path) { return type }
        if let known = entries.withLock({ $0[path] }), known.tag == entityTag { return known.type }
        let type = HearthStatic.contentType(forFile: path)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[path] = (entityTag, type)
        }
        return type
    }
}
