import HearthStatic

/// One item of the `static:` list → `StaticFilesConfiguration`.
enum StaticSection {
    static let keys: [ConfigurationKey<StaticFilesConfiguration>] = [
        .init("url") { $0.urlPath = try MountURL.read($1) },
        .init("root") { $0.root = try $1.path() },
        .init("index_files") { $0.indexFiles = try indexFiles($1) },
        .init("list_directories") { $0.listDirectories = try $1.boolean() },
        .init("pages") { $0.pages = try $1.boolean() },
    ]

    /// File names tried, in order, for a request that names a directory.
    private static func indexFiles(_ node: ConfigurationNode) throws -> [String] {
        try node.items().map { item in
            let name = try item.text(expecting: "a file name")
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw item.error("must be a file name, without a slash")
            }
            // A template's source is never served, so it cannot be a static
            // index; with `pages: true`, index.mustache is the page index.
            guard !TemplateSource.isTemplate(name) else {
                throw item.error("\(name) is a page template, never served as a file; with pages: true, index.mustache is a directory's page")
            }
            return name
        }
    }
}
