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
    /// How files run by extension (`scripts:`, Apache's `AddHandler` and
    /// `Action` inside a `DocumentRoot`), keyed by the extension in lower
    /// case without the dot. A file with one of these extensions is never
    /// served as bytes, whatever the spelling of its URL (`SourceFiles`);
    /// the site builder mounts a responder that runs it instead
    /// (docs/legacy-apps.md). Default none.
    public var scripts: [String: StaticScriptRunner] = [:]
    /// A script run for a URL that names nothing (`fallback:`, Apache's
    /// `FallbackResource`): a path below the mount's URL, such as
    /// `/index.php`, whose extension is in `scripts`. Default nil: 404.
    public var fallback: String? = nil
    /// Directories whose files a script may hand back to be sent
    /// (`X-Sendfile`, `X-Accel-Redirect`). Default none: such a header
    /// is refused (502).
    public var sendfileRoots: [String] = []
    /// Paths below the mount's URL (`/inc`, `/install.php`) that are
    /// refused with 403, neither sent nor run, whatever name leads to them
    /// (`deny:`, nginx's `location ~ /inc/ { deny all; }`, Apache's
    /// `<Directory …> Require all denied`): the parts of an application's
    /// tree that are libraries, command-line tools or installers. Default
    /// none.
    public var deny: [String] = []
    /// Absolute directories outside `root` that the tree's symlinks may
    /// lead into (`symlink_roots:`): Debian's packaged applications link
    /// their writable parts out of /usr/share (DokuWiki's `lib/tpl` →
    /// /var/lib/dokuwiki/lib/tpl). Apache follows any link with
    /// `Options FollowSymLinks`; here only into these. Default none: a
    /// link that leads out of `root` is 403.
    public var symlinkRoots: [String] = []

    public init(urlPath: String = "/", root: String = "public", indexFiles: [String] = ["index.html"], forbiddenRoots: [String] = [], pages: Bool = false) {
        self.urlPath = urlPath
        self.root = root
        self.indexFiles = indexFiles
        self.forbiddenRoots = forbiddenRoots
        self.pages = pages
    }
}

/// How a file of a mapped extension runs.
public enum StaticScriptRunner: Sendable, Equatable {
    /// An executable run as a CGI program (`AddHandler cgi-script`).
    case cgi
    /// An interpreter run once per request with the file as its script
    /// (`Action`; REDIRECT_STATUS=200 for php-cgi).
    case interpreter(String)
    /// The `fastcgi` item of that `name:`, fed SCRIPT_FILENAME
    /// (mod_fcgid's `FcgidWrapper`).
    case fastCGI(String)
}
