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
        let path = Substring(path)
        // Asked of every file served: an ASCII name is read as bytes,
        // without the Substrings and Characters of `extensions(of:)`.
        guard path.utf8.allSatisfy({ $0 < 0x80 }) else { return Self.extensions(of: path).contains(where: extensions.contains) }
        let name = Self.lastComponent(of: path)
        if isSource(name) { return true }
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return false }
        return isSource(name[..<colon])
    }

    /// The ASCII reading of `extensions(of:)` for one of its names: there a
    /// Character is a byte (CR LF, one Character, is neither a dot nor a
    /// space), so it finds the same extension.
    private func isSource(_ name: Substring) -> Bool {
        var end = name.utf8.endIndex
        while end > name.utf8.startIndex {
            let before = name.utf8.index(before: end)
            guard name.utf8[before] == UInt8(ascii: ".") || name.utf8[before] == UInt8(ascii: " ") else { break }
            end = before
        }
        guard let dot = name.utf8[..<end].lastIndex(of: UInt8(ascii: ".")) else { return false }
        let lowered = name.utf8[name.utf8.index(after: dot)..<end].lazy.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return extensions.contains(String(decoding: lowered, as: UTF8.self))
    }

    /// The last non-empty component, as `split(separator: "/").last`.
    private static func lastComponent(of path: Substring) -> Substring {
        let slash = UInt8(ascii: "/")
        var end = path.utf8.endIndex
        while end > path.utf8.startIndex, path.utf8[path.utf8.index(before: end)] == slash { end = path.utf8.index(before: end) }
        var start = end
        while start > path.utf8.startIndex, path.utf8[path.utf8.index(before: start)] != slash { start = path.utf8.index(before: start) }
        return path[start..<end]
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
