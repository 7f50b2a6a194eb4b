import HearthCGI
import HearthRelay
import HearthProcess

/// One script directory and how its scripts run. Every field has a default.
public struct CGIMountConfiguration: Sendable {
    /// What to do with a chunked request body (RFC 3875 §4.2: the server
    /// MUST remove transfer-codings and set CONTENT_LENGTH, or SHOULD reject).
    public enum ChunkedBodies: String, Sendable {
        /// De-chunk, spooling to a temporary file above `spoolThreshold`. Default.
        case dechunk
        /// Answer 411 Length Required.
        case refuse
    }

    /// URL prefix, without a trailing slash. Default `/cgi-bin`.
    public var urlPath: String = "/cgi-bin"
    /// The script directory. Default `./cgi-bin`, made absolute at start-up.
    public var directory: String = "cgi-bin"
    /// Largest request body accepted, in bytes (413 beyond). Default 16 MiB.
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// Chunked bodies larger than this go to a temporary file, not memory.
    /// Default 1 MiB.
    public var spoolThreshold: Int = 1024 * 1024
    /// Default `.dechunk`.
    public var chunkedBodies: ChunkedBodies = .dechunk
    /// No output (and no input consumed) for this long → 504 and the
    /// script's process group is stopped. Default 30 s.
    public var ioTimeout: Duration = .seconds(30)
    /// A script may run at most this long. Default 300 s.
    public var totalTimeout: Duration = .seconds(300)
    /// Time between SIGTERM and SIGKILL when a script is stopped. Default 2 s.
    public var killGrace: Duration = .seconds(2)
    /// Largest response from one script in bytes; nil for no cap. Default nil.
    public var maxOutputBytes: Int? = nil
    /// Largest header block a script may print. Default 32 KiB.
    public var maxScriptHeaderBytes: Int = 32 * 1024
    /// Which header field names a script may print (`script_headers`):
    /// `.lenient` takes what Apache takes (cgitb's `<!--: spam`). Default
    /// `.strict`.
    public var scriptHeaders: CGIScriptHeaders = .strict
    /// Most concurrent runs of one script; more wait in line. Default 32.
    public var maxConcurrentPerScript: Int = 32
    /// How long a request waits in line for a free slot (this script's cap
    /// or the overall one) before it is answered 503 with Retry-After.
    /// Default 10 s; zero answers 503 at once.
    public var queueTimeout: Duration = .seconds(10)
    /// Interpreters for files that are not executable, by extension without
    /// the dot, e.g. `["php": "/usr/bin/php-cgi"]` (Apache's Action /
    /// AddHandler). Default none.
    public var interpreters: [String: String] = [:]
    /// Pass `Authorization` to scripts as HTTP_AUTHORIZATION (Apache's
    /// CGIPassAuth). Default false.
    public var passAuthorization: Bool = false
    /// ISINDEX command-line words (RFC 3875 §4.4). Default false
    /// (CVE-2012-1823).
    public var commandLineWords: Bool = false
    /// Variables every script gets. Default `PATH` only; nothing else of the
    /// server's environment reaches a script.
    public var environment: [(name: String, value: String)] = [("PATH", "/usr/local/bin:/usr/bin:/bin")]
    /// Who the scripts run as (`run_as`, suEXEC), started by the privileged
    /// spawner under the policy `runAsPolicy` (given by the site builder).
    /// Default nil: as the server's own user.
    public var runAs: RunAsAccount? = nil
    public var runAsPolicy: Int? = nil
    /// What bounds each script (`limits:`): rlimits set before its exec,
    /// and caps of the mount's control group. Default: `core: 0` only.
    public var limits = ProcessLimits()
    /// The mount's control group, made at start-up by the site builder
    /// when `limits` caps `memory` or `processes`. Default nil.
    public var controlGroup: ControlGroup? = nil
    /// What sends the files scripts name (`X-Sendfile`), given by the site
    /// builder for a `static` item with `sendfile_roots`. Default nil:
    /// such an answer is a 502.
    package var sendfile: (any ScriptFileSender)? = nil

    public init() {}

    /// How this mount reads its scripts' header blocks.
    public var headerRules: CGIHeaderRules { CGIHeaderRules(maxBytes: maxScriptHeaderBytes, names: scriptHeaders) }
}
