#if canImport(Glibc)
import Glibc
#endif
import HearthHTTP
import NIOHTTP1

/// What `fstat` says about an opened file: its kind, and the validators
/// (RFC 9110 §8.8) derived from exactly the bytes that will be sent.
struct FileStatus {
    var size: Int
    var inode: UInt64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int
    var isDirectory: Bool
    var isRegularFile: Bool
    /// A strong entity tag (RFC 9110 §8.8.3), as nginx and Apache make them:
    /// inode, size and modification time in nanoseconds, in lower-case hex.
    /// A replaced file (new inode) or an edited one (new mtime) gets a new tag.
    let entityTag: String

    init(_ info: stat) {
        size = Int(info.st_size)
        inode = UInt64(info.st_ino)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        // S_IFMT, S_IFDIR and S_IFREG from <sys/stat.h>.
        isDirectory = info.st_mode & 0o170000 == 0o040000
        isRegularFile = info.st_mode & 0o170000 == 0o100000
        let nanoseconds = UInt64(max(0, modifiedSeconds)) &* 1_000_000_000 &+ UInt64(max(0, modifiedNanoseconds))
        entityTag = Self.entityTag(inode, UInt64(max(0, size)), nanoseconds)
    }

    /// `"inode-size-nanoseconds"`, each in hex as `String(_:radix: 16)`
    /// writes it, formatted in place: made for every file served, where
    /// the generic radix formatting cost more than the rest of the reply.
    static func entityTag(_ inode: UInt64, _ size: UInt64, _ nanoseconds: UInt64) -> String {
        String(unsafeUninitializedCapacity: 2 + 3 * 17) { out in
            var at = 0
            func put(_ byte: UInt8) {
                out[at] = byte
                at += 1
            }
            func hex(_ value: UInt64) {
                let digits = max(1, (UInt64.bitWidth - value.leadingZeroBitCount + 3) / 4)
                for digit in (0..<digits).reversed() { put(hexDigits[Int(truncatingIfNeeded: value >> (digit * 4) & 0xF)]) }
            }
            put(UInt8(ascii: "\""))
            hex(inode)
            put(UInt8(ascii: "-"))
            hex(size)
            put(UInt8(ascii: "-"))
            hex(nanoseconds)
            put(UInt8(ascii: "\""))
            return at
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// IMF-fixdate of the modification time (RFC 9110 §8.8.2).
    var lastModified: String { HTTPDate.format(time_t(modifiedSeconds)) }
}

/// Conditional requests on GET and HEAD (RFC 9110 §13).
enum Preconditions {
    /// True when the client's copy is current, so 304 answers it. Order of
    /// RFC 9110 §13.2.2: If-None-Match decides when present, and then
    /// If-Modified-Since is ignored (§13.1.3).
    static func isNotModified(_ headers: HTTPHeaders, file: FileStatus) -> Bool {
        if headers.contains(name: "if-none-match") {
            return noneMatchHits(headers["if-none-match"], entityTag: file.entityTag)
        }
        // The whole field: an HTTP-date contains a comma, so no list split.
        guard let since = headers.first(name: "if-modified-since").flatMap(HTTPDate.parse) else { return false }
        return file.modifiedSeconds <= Int(since)
    }

    /// If-None-Match (§13.1.2): `*` or any listed tag, by weak comparison
    /// (§8.8.3.2: `W/"x"` and `"x"` match).
    static func noneMatchHits(_ values: [String], entityTag: String) -> Bool {
        let tags = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces }
        return tags.contains { $0 == "*" || opaque($0) == opaque(entityTag[...]) }
    }

    /// If-Range (§13.1.5): the range applies only if the validator still
    /// matches; otherwise the whole file is sent. An entity tag must match
    /// strongly (a weak tag never does); a date must equal Last-Modified.
    static func rangeApplies(_ headers: HTTPHeaders, file: FileStatus) -> Bool {
        guard let condition = headers.first(name: "if-range")?.trimmingSpaces else { return true }
        if condition.hasPrefix("\"") || condition.hasPrefix("W/") { return condition == file.entityTag }
        return condition == file.lastModified
    }

    private static func opaque(_ tag: Substring) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : tag
    }
}
