/// The path of a request target, read once: the one normalization that
/// routing, authentication and every resolver share (SECURITY.md, path
/// traversal). A mount chosen on one reading of the path and a file looked
/// up on another is how `//private/x` or `/%70rivate/x` once reached a
/// protected file through the unprotected mount above it.
///
/// The raw path is split on `/` *before* decoding, so `%2F` can never add a
/// level, and each segment is percent-decoded exactly once (RFC 3986 §2.1;
/// Apache CVE-2021-41773 and CVE-2021-42013 decoded twice). Empty segments
/// are merged away, as Apache's `MergeSlashes`, nginx's `merge_slashes` and
/// lighttpd do by default: `//a///b` is `/a/b`, for routing and for the file.
public struct RequestPath: Sendable, Equatable {
    /// Decoded segments; none is empty, `.`, `..`, or holds a `/` or NUL.
    public var segments: [String]
    /// Whether the path ends in `/` (`/` itself does). A directory is
    /// served only so, and PATH_INFO keeps it (`/x.cgi/a/` → `/a/`).
    public var trailingSlash: Bool

    public init(segments: [String], trailingSlash: Bool) {
        self.segments = segments
        self.trailingSlash = trailingSlash
    }

    /// Why a path was refused; `encodedSlash` is "not found" (Apache's
    /// `AllowEncodedSlashes Off`), every other reason a malformed request.
    public enum Rejection: Error, Equatable, Sendable, CustomStringConvertible {
        case malformedEncoding(String)
        case nul(String)
        case dotSegment(String)
        case encodedSlash(String)

        public var description: String {
            switch self {
            case .malformedEncoding(let raw): "malformed percent-encoding or not UTF-8 in path segment \(raw)"
            case .nul(let raw): "NUL in path segment \(raw)"
            case .dotSegment(let raw): "dot segment \(raw) in path"
            case .encodedSlash(let raw): "encoded slash in path segment \(raw)"
            }
        }
    }

    /// Reads the path part of a target (`/a/b%20c/`, no query). A leading
    /// `/` is implied when missing, so a mount prefix reads the same way.
    /// Splits and checks bytes, not Characters: "/" followed by a combining
    /// mark is one Character, and would otherwise slip a separator past
    /// both checks ("..%2F%CC%81").
    public static func parse(_ raw: String) -> Result<RequestPath, Rejection> {
        parse(raw[...])
    }

    public static func parse(_ raw: Substring) -> Result<RequestPath, Rejection> {
        var segments: [String] = []
        for rawBytes in raw.utf8.split(separator: 0x2F, omittingEmptySubsequences: true) {
            let piece = Substring(rawBytes)
            switch decode(piece) {
            case .success(let segment): segments.append(segment)
            case .failure(let rejection): return .failure(rejection)
            }
        }
        return .success(RequestPath(segments: segments, trailingSlash: raw.utf8.last == 0x2F || raw.isEmpty))
    }

    /// A mount's configured URL path (`/cgi-bin`, `/`) read the same way.
    /// One that does not read as a path matches no request.
    public static func mount(_ urlPath: String) -> RequestPath {
        (try? parse(urlPath).get()) ?? RequestPath(segments: ["\u{0}"], trailingSlash: false)
    }

    private static func decode(_ raw: Substring) -> Result<String, Rejection> {
        guard let decoded = PercentDecoding.decode(raw) else { return .failure(.malformedEncoding(String(raw))) }
        if decoded.utf8.contains(0x2F) { return .failure(.encodedSlash(String(raw))) }
        if decoded.utf8.contains(0) { return .failure(.nul(String(raw))) }
        if decoded == "." || decoded == ".." { return .failure(.dotSegment(String(raw))) }
        return .success(decoded)
    }

    /// The segments below `mount` (a mount's own path), or nil when this
    /// path is not at or under it. Whole segments: `/cgi-binx` is not
    /// under `/cgi-bin`.
    public func below(_ mount: RequestPath) -> ArraySlice<String>? {
        segments.starts(with: mount.segments) ? segments.dropFirst(mount.segments.count) : nil
    }

    /// PATH_INFO for the segments `rest` after a script (RFC 3875 §4.1.5):
    /// `""` when nothing follows the script, else each segment after a
    /// `/`, and the trailing slash kept.
    public static func pathInfo(_ rest: ArraySlice<String>, trailingSlash: Bool) -> String {
        guard !rest.isEmpty else { return trailingSlash ? "/" : "" }
        return "/" + rest.joined(separator: "/") + (trailingSlash ? "/" : "")
    }

    /// The canonical path, percent-encoded again where RFC 3986 §3.3 needs
    /// it: always one leading `/`, so it can be sent back in a `Location`
    /// and never read as `//host` (an open redirect).
    public var encoded: String {
        var out = ""
        for segment in segments {
            out += "/"
            out += Self.encode(segment)
        }
        return trailingSlash || segments.isEmpty ? out + "/" : out
    }

    /// One segment, percent-encoded where it must be (RFC 3986 §3.3): only
    /// the unreserved characters (§2.3) stay as they are, so `/`, `?`,
    /// `#`, `%`, `:` and every non-ASCII byte are escaped. Safe in a
    /// `Location` and as a relative link alike (`javascript:x` stays a
    /// path, never a scheme).
    public static func encode(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
