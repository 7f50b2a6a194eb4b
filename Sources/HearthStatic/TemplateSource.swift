/// Server pages (HearthPages) keep their templates among the static files,
/// and a template's source must never be served as one (SECURITY.md,
/// handler confusion / source disclosure: the source of a page is what
/// nginx+PHP's `fix_pathinfo` and Apache's 2024 handler CVEs gave away).
/// The static responder refuses these names on every mount, whether pages
/// are on or not, so a misconfigured mount cannot show them either.
package enum TemplateSource {
    /// A template's extension, without the dot.
    package static let fileExtension = "mustache"

    /// Whether the last component of `path` names a template, however it
    /// is spelt (`SourceFiles.extensions(of:)`).
    package static func isTemplate(_ path: some StringProtocol) -> Bool {
        SourceFiles.extensions(of: path).contains(fileExtension)
    }
}

/// The files of a mount whose bytes are never served, by extension: page
/// templates on every mount, and the extensions a mount runs as scripts
/// (`scripts:`, the document root's `AddHandler`). The static responder
/// asks this one value about the name asked for and about the file a
/// symlink leads to, so no spelling and no link shows a script's source.
package struct SourceFiles: Sendable {
    /// Lowercased, without the dot.
    package let extensions: Set<String>

    package init(scriptExtensions: some Sequence<String> = []) {
        extensions = Set(scriptExtensions.map { $0.lowercased() }).union([TemplateSource.fileExtension])
    }

    /// Whether `path`'s last component is a source, in any spelling.
    package func contains(_ path: some StringProtocol) -> Bool {
        Self.extensions(of: path).contains(where: extensions.contains)
    }

    /// The extensions, lowercased, that the last component of `path` may be
    /// opened as somewhere: a case-insensitive file system (macOS, a CIFS
    /// mount) opens `app.PHP`, `app.php.` and `app.php ` as `app.php`, and
    /// NTFS opens `app.php::$DATA` (an alternate data stream's name, the
    /// IIS source disclosure of 1998) as the file itself. Both readings are
    /// returned when a colon is present; a caller refuses on either.
    package static func extensions(of path: some StringProtocol) -> [String] {
        let name = Substring(path.split(separator: "/").last ?? "")
        var names = [name]
        if let colon = name.firstIndex(of: ":") { names.append(name[..<colon]) }
        return names.compactMap { name in
            var name = name
            while let last = name.last, last == "." || last == " " { name = name.dropLast() }
            guard let dot = name.lastIndex(of: ".") else { return nil }
            return name[name.index(after: dot)...].lowercased()
        }
    }
}
