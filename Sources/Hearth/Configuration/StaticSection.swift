import HearthCGI
import HearthGateway
import HearthScripts
import HearthStatic

/// One item of the `static:` list → `StaticFilesConfiguration`.
enum StaticSection {
    /// A `static` item: its files, and how its cold scripts run.
    struct Item {
        var files = StaticFilesConfiguration()
        var scriptSettings: CGIMountConfiguration?
    }

    static let itemKeys: [ConfigurationKey<Item>] =
        keys.map { key in .init(key.name) { try key.store(&$0.files, $1) } } + [.init("cgi") { $0.scriptSettings = try scriptSettings($1) }]

    /// The keys of a `cgi` item that say how a script runs; not where the
    /// scripts are (`url`, `directory`: the tree is the item's), nor how an
    /// extension runs (`interpreters`: `scripts:` says it), nor `run_as`
    /// (suEXEC's rules are checked against one script directory).
    static let scriptSettingKeys = CGISection.keys.filter { !["url", "directory", "interpreters", "run_as"].contains($0.name) }

    private static func scriptSettings(_ node: ConfigurationNode) throws -> CGIMountConfiguration {
        try node.read(CGIMountConfiguration(), keys: scriptSettingKeys)
    }

    static let keys: [ConfigurationKey<StaticFilesConfiguration>] = [
        .init("url") { $0.urlPath = try MountURL.read($1) },
        .init("root") { $0.root = try $1.path() },
        .init("index_files") { $0.indexFiles = try indexFiles($1) },
        .init("list_directories") { $0.listDirectories = try $1.boolean() },
        .init("pages") { $0.pages = try $1.boolean() },
        .init("scripts") { $0.scripts = try scripts($1) },
        .init("fallback") { $0.fallback = try fallback($1) },
        .init("sendfile_roots") { $0.sendfileRoots = try $1.items().map { try $0.path() } },
        .init("symlink_roots") { $0.symlinkRoots = try $1.items().map { try $0.path() } },
        .init("deny") { $0.deny = try $1.items().map(deniedPath) },
    ]

    /// `/inc` or `/install.php`: a path below the mount, read as request
    /// paths are, kept without a trailing slash.
    private static func deniedPath(_ node: ConfigurationNode) throws -> String {
        let text = try node.text(expecting: "a URL path below the mount, such as /inc")
        guard text.hasPrefix("/"), case .success(let path) = RequestPath.parse(text), !path.segments.isEmpty else {
            throw node.error("expected a URL path below the mount, such as /inc, found \(node.found)")
        }
        return "/" + path.segments.joined(separator: "/")
    }

    /// `{cgi: cgi, php: /usr/bin/php-cgi, php5: {fastcgi: php}}`: an
    /// extension without the dot (any case; matched in any case) to `cgi`,
    /// an interpreter's absolute path, or a named `fastcgi` item. Whether
    /// the interpreter or the item exists is checked at start-up
    /// (`SiteBuilder`), with this file's position.
    private static func scripts(_ node: ConfigurationNode) throws -> [String: StaticScriptRunner] {
        var scripts: [String: StaticScriptRunner] = [:]
        for entry in try node.entries() {
            let name = entry.name.lowercased()
            guard !name.isEmpty, !name.contains("."), !name.contains("/"), !name.contains(":") else {
                throw entry.key.error("an extension is written without the dot, e.g. php")
            }
            guard scripts[name] == nil else { throw entry.key.error("the extension \(name) is mapped twice") }
            guard name != TemplateSource.fileExtension else { throw entry.key.error("\(name) is the page templates' extension") }
            if case .mapping = entry.value.node {
                let pool = try entry.value.entries()
                guard pool.count == 1, pool[0].name == "fastcgi" else {
                    throw entry.value.error("expected cgi, an interpreter's absolute path, or {fastcgi: NAME}")
                }
                scripts[name] = .fastCGI(try pool[0].value.text(expecting: "the name of a fastcgi item"))
                continue
            }
            let text = try entry.value.text(expecting: "cgi, an interpreter's absolute path, or {fastcgi: NAME}")
            if text == "cgi" {
                scripts[name] = .cgi
            } else {
                guard text.hasPrefix("/") else {
                    throw entry.value.error("expected cgi, an interpreter's absolute path, or {fastcgi: NAME}, found \(entry.value.found)")
                }
                scripts[name] = .interpreter(text)
            }
        }
        return scripts
    }

    /// `/index.php`: a URL path below the mount, read as request paths are
    /// (no `..`, no encoded slash). That it names a mapped script in the
    /// root is checked at start-up.
    private static func fallback(_ node: ConfigurationNode) throws -> String {
        let text = try node.text(expecting: "a URL path such as /index.php")
        guard text.hasPrefix("/"), !text.hasSuffix("/"), case .success = RequestPath.parse(text) else {
            throw node.error("expected a URL path to a script below the mount, such as /index.php, found \(node.found)")
        }
        return text
    }

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
