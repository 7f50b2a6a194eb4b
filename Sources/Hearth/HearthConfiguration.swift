import HearthAuth
import HearthGateway
import HearthScripts
import HearthHTTP
import HearthProcess
import HearthSessions
import HearthStatic
import HearthTLS
import HearthWorkers
import Logging

/// Everything a Hearth server is told: how it listens, its mounts, its
/// logs. The config file and the command line both fill this in; every
/// field has a documented default (docs/configuration.md).
public struct HearthConfiguration: Sendable {
    /// Listening and HTTP limits.
    public var server = HTTPServerConfiguration()
    /// TLS of the listeners (`listen:`) that have it, by position in
    /// `server.listeners`. Default none.
    public var tlsListeners: [Int: TLSListenerConfiguration] = [:]
    /// Script directories. Default: `./cgi-bin` at `/cgi-bin`.
    public var cgiMounts: [CGIMountConfiguration] = [CGIMountConfiguration()]
    /// FastCGI applications: pools Hearth supervises, or running servers.
    /// Default none.
    public var fastCGIMounts: [FastCGIMountConfiguration] = []
    /// How the pools of `*.fcgi` scripts in CGI directories run. Default:
    /// `WorkerPoolConfiguration()`'s defaults, the environment of the CGI
    /// mount's scripts.
    public var scriptPools: WorkerPoolConfiguration? = nil
    /// Static file roots. Default: `./public` at `/`, with server pages
    /// on: the sample site `hearth serve` shows with no configuration (a
    /// mount you list yourself has them off unless it says `pages: true`).
    public var staticMounts: [StaticFilesConfiguration] = [StaticFilesConfiguration(pages: true)]
    /// Basic authentication by mount URL (`/cgi-bin`): the config file's
    /// `auth:` of a `cgi`, `fastcgi` or `static` item; in Swift, any mount
    /// of the site builder, hot handlers included. Default none.
    public var authentication: [String: BasicAuthConfiguration] = [:]
    /// How the cold scripts of a `static` item with `scripts:` run, by
    /// the item's URL (`/dokuwiki`): its `cgi:` mapping, the keys of a
    /// `cgi` item that are about running a script (timeouts, body and
    /// output limits, `environment`, `limits`, `script_headers`). Default:
    /// a `cgi` item's defaults.
    public var documentRootScripts: [String: CGIMountConfiguration] = [:]
    /// Sessions for the hot handlers mounted with `sessions: true` (and
    /// pages): the `sessions:` section (docs/sessions.md). Default nil: no
    /// sessions unless a mount asks for them, then in memory.
    public var sessions: SessionConfiguration? = nil
    /// The admin listener: metrics, the status page, health checks
    /// (`admin:`, docs/operations.md). Default nil: none, and nothing is
    /// counted.
    public var admin: AdminConfiguration? = nil
    /// The config file this was read from (absolute), for the status page;
    /// nil when it came from flags and defaults alone.
    public var file: String? = nil
    /// Most scripts running at once across all mounts. Default 64.
    public var maxConcurrentScripts: Int = 64
    /// Local redirects followed for one request. Default 5.
    public var maxLocalRedirects: Int = 5
    /// Access log: `"-"` for standard output, a file path, or nil for none.
    /// Default `"-"`.
    public var accessLog: String? = "-"
    /// The lowest uid and gid a `run_as` account may have (`min_uid`,
    /// `min_gid`; suexec's AP_UID_MIN). Default 1000 and 1000.
    public var runAsMinimums = RunAsAccount.Minimums()
    /// How each access-log line is written: Apache's Combined Log Format,
    /// or a format compiled from an Apache-style string (`access_log_format`,
    /// docs/configuration.md). Default `.combined`.
    public var accessLogFormat: AccessLogFormat = .combined
    /// Error-log level. Default `info`.
    public var logLevel: Logger.Level = .info
    /// The error log's file; nil for standard error (the journal under
    /// systemd). Opened at start-up, again on SIGUSR1. Default nil.
    public var errorLog: String? = nil
    /// Where the settings that are checked at start-up came from, by key
    /// path (`static[0].root`, `access_log`): the config file's line, or
    /// the flag that set them. Errors found while building the site name
    /// them. Filled by `ConfigurationFile` and `CommandLineFlags`.
    public var origins: [String: ConfigurationOrigin] = [:]

    public init() {}

    /// Where the setting at `keyPath` came from; the key path itself when
    /// nothing was recorded (a default, or a value set in Swift).
    public func origin(of keyPath: String) -> ConfigurationOrigin {
        origins[keyPath] ?? ConfigurationOrigin(key: keyPath)
    }
}
