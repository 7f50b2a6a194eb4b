/// Server pages (HearthPages) keep their templates among the static files,
/// and a template's source must never be served as one (SECURITY.md,
/// handler confusion / source disclosure: the source of a page is what
/// nginx+PHP's `fix_pathinfo` and Apache's 2024 handler CVEs gave away).
/// The static responder refuses these names on every mount, whether pages
/// are on or not, so a misconfigured mount cannot show them either.
package enum TemplateSource {
    /// A template's extension, without the dot.
    package static let fileExtension = "mustache"

    /// Whether the last component of `path` names a template, in any case
    /// and with trailing dots and spaces dropped: a case-insensitive file
    /// system (macOS, a CIFS mount) opens `hello.MUSTACHE` or
    /// `hello.mustache.` as `hello.mustache`.
    package static func isTemplate(_ path: some StringProtocol) -> Bool {
        var name = Substring(path.split(separator: "/").last ?? "")
        while let last = name.last, last == "." || last == " " { name = name.dropLast() }
        return name.lowercased().hasSuffix("." + fileExtension)
    }
}
