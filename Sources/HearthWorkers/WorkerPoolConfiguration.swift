import HearthCGI
import HearthProcess

/// How one pool of FastCGI workers is run and supervised (the mod_fcgid
/// model). Every field has a default; docs/warm.md lists them.
public struct WorkerPoolConfiguration: Sendable {
    /// The program and its arguments, e.g. `["/usr/bin/php-cgi"]`. Started
    /// directly, never through a shell, with a listening socket on fd 0
    /// (FastCGI 1.0 §2.2, FCGI_LISTENSOCK_FILENO).
    public var command: [String] = []
    /// The workers' working directory. Default: the mount's directory for
    /// a FastCGI mount that has one, else the program's directory.
    public var workingDirectory: String? = nil
    /// The workers' environment; nothing else of the server's reaches them.
    /// Default `PATH` only.
    public var environment: [(name: String, value: String)] = [("PATH", "/usr/local/bin:/usr/bin:/bin")]
    /// For the pools of `*.fcgi` scripts (`fcgi_scripts`): variables passed
    /// with every request after the RFC 3875 ones, never in their place
    /// (`params`). A `fastcgi` mount keeps its own in
    /// `FastCGIMountConfiguration.params`. Default none.
    public var params: [(name: String, value: String)] = []
    /// For the pools of `*.fcgi` scripts: which header field names they
    /// may send (`script_headers`); nil follows the CGI mount's. Default nil.
    public var scriptHeaders: CGIScriptHeaders? = nil
    /// Workers started before the server accepts traffic and kept running.
    /// Default 1.
    public var minProcesses: Int = 1
    /// The most workers at once; each serves one request at a time. Default 8.
    public var maxProcesses: Int = 8
    /// The most requests waiting for a free worker; more are answered 503 at
    /// once. Default 256.
    public var maxQueue: Int = 256
    /// How long a request waits for a free worker before 503 with
    /// Retry-After. Default 10 s.
    public var queueTimeout: Duration = .seconds(10)
    /// A worker above the minimum that served nothing for this long is
    /// stopped. Default 5 minutes (mod_fcgid's FcgidIdleTimeout).
    public var idleTimeout: Duration = .seconds(300)
    /// A worker is replaced after this many requests; nil for never.
    /// Default nil.
    public var maxRequests: Int? = nil
    /// A worker whose resident memory is above this many bytes after a
    /// request is replaced; nil for no limit. Default nil.
    public var maxResidentBytes: Int? = nil
    /// A request a worker has not finished within this time is answered 504
    /// and the worker is killed. Default 60 s.
    public var busyTimeout: Duration = .seconds(60)
    /// Time between SIGTERM and SIGKILL when a worker is stopped. Default 2 s.
    public var killGrace: Duration = .seconds(2)
    /// This many crashes within `crashWindow` mark the pool failed (503,
    /// with the reason in the log) until it is reloaded. Default 5.
    public var crashLimit: Int = 5
    /// Default 60 s.
    public var crashWindow: Duration = .seconds(60)
    /// Whether a change to the program file on disk reloads the pool.
    /// Default true.
    public var reloadOnChange: Bool = true
    /// Who the workers run as (`run_as`), started by the privileged spawner
    /// under the policy `runAsPolicy` (given by the site builder). Default
    /// nil: as the server's own user.
    public var runAs: RunAsAccount? = nil
    public var runAsPolicy: Int? = nil
    /// What bounds each worker (`limits:`): rlimits set before its exec
    /// (`cpu` counts a worker's whole life), and caps of the pool's
    /// control group. Default: `core: 0` only.
    public var limits = ProcessLimits()
    /// The pool's control group, made at start-up by the site builder
    /// when `limits` caps `memory` or `processes`. Default nil.
    public var controlGroup: ControlGroup? = nil

    public init(command: [String] = []) {
        self.command = command
    }

    /// The wait before restarting after `crashes` recent crashes: 100 ms,
    /// doubling, at most 10 s.
    func restartDelay(afterCrashes crashes: Int) -> Duration {
        guard crashes > 0 else { return .zero }
        return min(.milliseconds(100) * (1 << min(crashes - 1, 10)), .seconds(10))
    }
}
