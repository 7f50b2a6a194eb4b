/// A directory of files served as they are, mounted at a URL path.
/// Validated at start-up by the site builder; the responder trusts it.
public struct StaticFilesConfiguration: Sendable {
    /// The URL path the directory is mounted at, such as `"/"` or
    /// `"/static"`; a trailing slash is ignored. Default `"/"`.
    public var urlPath: String = "/"
    /// The directory served. Default `"public"` (relative to the working
    /// directory; the site builder makes it absolute at start-up).
    public var root: String
    /// Files served for a URL that names a directory, first existing one
    /// wins. Default `["index.html"]`.
    public var indexFiles: [String] = ["index.html"]
    /// Whether a directory without an index file is listed (an HTML page of
    /// links, `DirectoryListing`) instead of refused with 403. A listing
    /// shows only what the mount would serve: never dot files, template
    /// sources, or anything in a forbidden root or out of `root`.
    /// Default `false`.
    public var listDirectories: Bool = false
    /// Absolute directories whose files are never served, even when they lie
    /// under `root` or a symlink leads into them: script directories, whose
    /// source must not be disclosed (SECURITY.md, handler confusion).
    /// Default `[]`.
    public var forbiddenRoots: [String] = []
    /// Whether `*.mustache` templates under `root` are rendered at their
    /// URL (server pages, docs/pages.md); the site builder then mounts
    /// HearthPages' responder, which hands every other URL to the static
    /// one. Off by default: a mount whose directory others can write to
    /// (uploads, a mirror) must not start rendering what lands in it. A
    /// template's source is never served, on or off. Default `false`.
    public var pages: Bool = false

    public init(urlPath: String = "/", root: String = "public", indexFiles: [String] = ["index.html"], forbiddenRoots: [String] = [], pages: Bool = false) {
        self.urlPath = urlPath
        self.root = root
        self.indexFiles = indexFiles
        self.forbiddenRoots = forbiddenRoots
        self.pages = pages
    }
}
