import HearthStatic

/// Which template a URL names (docs/pages.md, "URLs"): `/guestbook` is
/// `guestbook.mustache`, `/feed.xml` is `feed.xml.mustache`, and a
/// directory URL (`/`, `/docs/`) is its `index.mustache`. A template's own
/// name is never a URL, so no spelling of `/guestbook.mustache` renders
/// or shows anything; nor is anything under `/_partials/`.
struct PageRoute {
    static let indexName = "index." + TemplateSource.fileExtension
    /// A rendered page depends on the request, so caches must ask again
    /// (RFC 9111 §5.2.2.4) unless the template says otherwise.
    static let defaultCacheControl = "no-cache"

    let resolver: FileResolver

    /// The resolved template for a URL's decoded, checked segments
    /// (`StaticPath`), or nil when the URL names no page.
    func template(for segments: [String], directory: Bool) -> String? {
        if segments.first == PartialLibrary.directoryName { return nil }
        if directory { return regularTemplate(segments + [Self.indexName]) }
        guard let last = segments.last, !TemplateSource.isTemplate(last) else { return nil }
        return regularTemplate(segments.dropLast() + [last + "." + TemplateSource.fileExtension])
    }

    /// The file `segments` name if it resolves inside the root (outside
    /// every forbidden root) to a regular file that is a template.
    func regularTemplate(_ segments: [String]) -> String? {
        guard let target = try? resolver.resolve(segments), TemplateSource.isTemplate(target.resolved),
            FileVersion.of(target.resolved)?.isRegularFile == true
        else { return nil }
        return target.resolved
    }

    /// A segment that names a file by itself: not empty, not `.` or `..`,
    /// not a dot file, no NUL.
    static func isPlainSegment(_ segment: String) -> Bool {
        !segment.isEmpty && !segment.hasPrefix(".") && !segment.utf8.contains(0)
    }

    /// A page is served as the file its URL names would be: by the
    /// extension of the template's name without `.mustache`
    /// (`feed.xml.mustache` is `application/xml`), HTML when it has none.
    static func contentType(of file: String) -> String {
        let name = file.dropLast(TemplateSource.fileExtension.count + 1)
        guard let ext = ContentTypes.pathExtension(of: String(name)), let type = ContentTypes.forExtension(ext) else {
            return "text/html; charset=utf-8"
        }
        return type
    }
}
