import HearthCGI
import HearthScripts

/// A URL prefix served by a FastCGI application: a pool of workers Hearth
/// starts and supervises, or a server already running elsewhere (php-fpm).
/// Every field has a default; docs/warm.md lists them.
public struct FastCGIMountConfiguration: Sendable {
    public enum Backend: Sendable {
        /// Workers started and supervised by Hearth.
        case pool(WorkerPoolConfiguration)
        /// An application server already listening there.
        case remote(RemoteBackendConfiguration)
    }

    /// URL prefix, without a trailing slash. Default `/app`.
    public var urlPath: String = "/app"
    /// The name a static item's `scripts:` uses for this application
    /// (`php: {fastcgi: NAME}`). Default nil: unnamed.
    public var name: String? = nil
    /// Whether the application answers at `urlPath` too. False for an item
    /// with a `name` and no `url`: a pool that only runs a document root's
    /// scripts. Default true.
    public var isMounted: Bool = true
    public var backend: Backend
    /// With a directory, the URL names a file in it (SCRIPT_FILENAME, as
    /// php-cgi and php-fpm expect), and only files with one of `extensions`
    /// are passed on. Without one (the default), the whole prefix is one
    /// application: SCRIPT_NAME is the prefix, PATH_INFO the rest.
    public var directory: String? = nil
    /// File extensions (without the dot) passed to the application in
    /// directory mode; any other file is 403. Default `["php"]`.
    public var extensions: [String] = ["php"]
    /// Largest request body accepted (413 beyond). Default 16 MiB.
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// Chunked bodies larger than this are spooled to a file. Default 1 MiB.
    public var spoolThreshold: Int = 1024 * 1024
    /// Default `.dechunk`.
    public var chunkedBodies: CGIMountConfiguration.ChunkedBodies = .dechunk
    /// Largest header block the application may send. Default 32 KiB.
    public var maxScriptHeaderBytes: Int = 32 * 1024
    /// The most body bytes one answer may have; beyond it the response is
    /// cut off (a 502 when the whole answer was in before anything was
    /// sent), as for a cgi mount. Default nil: no cap.
    public var maxOutputBytes: Int? = nil
    /// Which header field names the application may send
    /// (`script_headers`). Default `.strict`.
    public var scriptHeaders: CGIScriptHeaders = .strict
    /// Variables passed with every request after the RFC 3875 ones
    /// (`params`; nginx's `fastcgi_param`, Apache's `SetEnv`), never in
    /// their place: the config refuses the names of request variables,
    /// and `FastCGIParams` drops any name already set. Default none.
    public var params: [(name: String, value: String)] = []
    /// Pass `Authorization` as HTTP_AUTHORIZATION. Default false.
    public var passAuthorization: Bool = false

    public init(urlPath: String = "/app", backend: Backend) {
        self.urlPath = urlPath
        self.backend = backend
    }

    /// What the site's pool table and the log call this item's pool: its
    /// URL, or its `name` when it answers no URL. Unique per item, so two
    /// named items running one program (gitweb for two teams, each with
    /// its own `run_as` and `environment`) are two pools, never the first
    /// item's workers serving both.
    var poolLabel: String { isMounted ? urlPath : name ?? urlPath }

    /// How this mount reads the application's header blocks.
    public var headerRules: CGIHeaderRules { CGIHeaderRules(maxBytes: maxScriptHeaderBytes, names: scriptHeaders) }
}

/// An application server Hearth connects to but does not start.
public struct RemoteBackendConfiguration: Sendable {
    public var address: FastCGIAddress
    /// The most connections (and so concurrent requests) to it. Default 16.
    public var maxConnections: Int = 16
    /// How long a request waits for a free connection before 503. Default 10 s.
    public var queueTimeout: Duration = .seconds(10)
    /// A request not answered within this time is 504 and its connection
    /// closed. Default 60 s.
    public var busyTimeout: Duration = .seconds(60)

    public init(address: FastCGIAddress) {
        self.address = address
    }
}
