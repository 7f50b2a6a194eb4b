import HearthStatic

/// One item of the `static:` list → `StaticFilesConfiguration`.
enum StaticSection {
    static let keys: [ConfigurationKey<StaticFilesConfiguration>] = [
        .init("url") { $0.urlPath = try MountURL.read($1) },
        .init("root") { $0.root = try $1.path() },
        .init("index_files") { $0.indexFiles = try indexFiles($1) },
        .init("list_directories") { $0.listDirectories = try $1.boolean() },
    ]

    /// File names tried, in order, for a request that names a directory.
    private static func indexFiles(_ node: ConfigurationNode) throws -> [String] {
        try node.items().map { item in
            let name = try item.text(expecting: "a file name")
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw item.error("must be a file name, without a slash")
            }
            return name
        }
    }
}
