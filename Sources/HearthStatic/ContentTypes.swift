/// The `Content-Type` of a static file, decided from its name alone.
///
/// A table rather than libmagic for the common web formats: the extension is
/// what the author meant (a `.css` file is plain text to libmagic but a
/// stylesheet to a browser, which refuses stylesheets and module scripts
/// served with the wrong type), and a lookup costs nothing per request.
public enum ContentTypes {
    /// The media type for a file extension (without the dot, any case), or
    /// nil when the extension is not in the table. Text types carry
    /// `charset=utf-8` so that browsers do not guess.
    public static func forExtension(_ ext: String) -> String? {
        table[ext.lowercased()]
    }

    /// The extension of the last path component, or nil: `a/b.tar.gz` has
    /// `gz`; a dot file such as `.htaccess` has none, as in a shell.
    package static func pathExtension(of path: String) -> String? {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        return ext.isEmpty ? nil : String(ext)
    }

    /// The table's type for the extension of `path`'s last component.
    package static func forPath(_ path: String) -> String? {
        pathExtension(of: path).flatMap(forExtension)
    }

    private static let utf8 = "; charset=utf-8"

    private static let table: [String: String] = [
        // Documents and code a browser interprets.
        "html": "text/html" + utf8,
        "htm": "text/html" + utf8,
        "css": "text/css" + utf8,
        "js": "text/javascript" + utf8,  // RFC 9239
        "mjs": "text/javascript" + utf8,
        "json": "application/json",  // RFC 8259: always UTF-8, no charset parameter
        "map": "application/json",  // source maps
        "webmanifest": "application/manifest+json",
        "xml": "application/xml",
        "txt": "text/plain" + utf8,
        "csv": "text/csv" + utf8,
        "md": "text/markdown" + utf8,  // RFC 7763
        "wasm": "application/wasm",
        "pdf": "application/pdf",
        // Images.
        "svg": "image/svg+xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "avif": "image/avif",
        "ico": "image/vnd.microsoft.icon",
        "bmp": "image/bmp",
        // Audio and video.
        "mp4": "video/mp4",
        "webm": "video/webm",
        "mp3": "audio/mpeg",
        "ogg": "audio/ogg",
        "wav": "audio/wav",
        "flac": "audio/flac",
        // Fonts, RFC 8081.
        "woff": "font/woff",
        "woff2": "font/woff2",
        "ttf": "font/ttf",
        "otf": "font/otf",
        // Archives.
        "zip": "application/zip",
        "gz": "application/gzip",
        "tar": "application/x-tar",
        "xz": "application/x-xz",
        "bz2": "application/x-bzip2",
        "zst": "application/zstd",
        "7z": "application/x-7z-compressed",
        "jar": "application/java-archive",
        "deb": "application/vnd.debian.binary-package",
        // Opaque bytes by name: no libmagic read of a (possibly large) file
        // on every request.
        "bin": "application/octet-stream",
        "iso": "application/x-iso9660-image",
    ]
}
