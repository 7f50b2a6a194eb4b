#if canImport(Glibc)
import Glibc
#endif
import HearthCGI
import HearthHTTP
import NIOCore
import NIOHTTP1

/// The page for a directory without an index file on a mount with
/// `list_directories` on, as Apache's `Options Indexes` without fancy
/// indexing: one link per entry, sorted by name, directories with a
/// trailing slash, a parent link below the mount's own URL.
///
/// Shown is only what a request for the entry would serve: no dot files,
/// no template sources (`TemplateSource`), nothing in a forbidden root (a
/// script directory), nothing a symlink leads out of the root or into
/// those, nothing that is neither a file nor a directory. Each entry is
/// checked by the responder's own `FileResolver`, so the page never names
/// a file the mount would refuse. Names are HTML-escaped in the text and
/// percent-encoded in the links (RFC 3986 §3.3): a name like
/// `javascript:x` is a relative link, never a scheme.
struct DirectoryListing {
    let resolver: FileResolver

    /// The listing of the directory `path` names, already resolved and
    /// allowed by the caller.
    func reply(for path: StaticPath) throws(HTTPError) -> StaticReply {
        let directory = try resolver.resolve(path.segments)
        guard let names = Self.names(in: directory.resolved) else {
            throw HTTPError(.forbidden, "directory \(directory.resolved) cannot be read")
        }
        let entries = names.compactMap { entry(named: $0, in: path) }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var headers = HTTPHeaders([("Content-Type", "text/html; charset=utf-8")])
        headers.add(name: "Cache-Control", value: "no-cache")
        let shown = "/" + (path.mount.segments + path.segments).map { $0 + "/" }.joined()
        return .page(ByteBuffer(string: Self.html(title: shown, entries: entries, parent: !path.segments.isEmpty)), headers: headers)
    }

    struct Entry {
        var name: String
        var isDirectory: Bool
    }

    /// The entry when a request for it would be served, else nil.
    private func entry(named name: String, in path: StaticPath) -> Entry? {
        // By name first, without a realpath; the resolver refuses a dot
        // file too, and the template check is repeated on where a link leads.
        if name.hasPrefix(".") || TemplateSource.isTemplate(name) { return nil }
        guard let target = try? resolver.resolve(path.segments + [name]), !TemplateSource.isTemplate(target.resolved) else { return nil }
        var status = stat()
        guard stat(target.resolved, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return Entry(name: name, isDirectory: true)
        case S_IFREG: return Entry(name: name, isDirectory: false)
        default: return nil
        }
    }

    /// The names in `directory`, without `.` and `..`, and without names
    /// that are not UTF-8 (no request path can name them); nil when it
    /// cannot be read.
    static func names(in directory: String) -> [String]? {
        guard let stream = opendir(directory) else { return nil }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard let name = String(validating: bytes, as: UTF8.self), name != ".", name != ".." else { continue }
            names.append(name)
        }
        return names
    }

    static func html(title: String, entries: [Entry], parent: Bool) -> String {
        let heading = "Index of " + escape(title)
        var page = "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>\(heading)</title></head>\n<body>\n<h1>\(heading)</h1>\n<ul>\n"
        if parent { page += "<li><a href=\"../\">Parent Directory</a></li>\n" }
        for entry in entries {
            let slash = entry.isDirectory ? "/" : ""
            page += "<li><a href=\"\(RequestPath.encode(entry.name))\(slash)\">\(escape(entry.name))\(slash)</a></li>\n"
        }
        return page + "</ul>\n</body>\n</html>\n"
    }

    /// HTML text and attribute values.
    static func escape(_ text: String) -> String {
        HTMLText.escape(text)
    }
}
