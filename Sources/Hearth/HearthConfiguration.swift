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
    /// The one site's mounts when there are no `hosts:` (`cgi:`, `fastcgi:`,
    /// `static:` and their `auth:`). Default: `./cgi-bin` at `/cgi-bin`,
    /// `./public` at `/` with server pages.
    public var mounts = SiteMounts()
    /// Virtual hosts (`hosts:`, docs/virtual-hosts.md): each its names and
    /// its own mounts; a request goes to the host its `Host` names. Default
    /// none: `mounts` is the one site, whatever the Host.
    public var hosts: [VirtualHostConfiguration] = []
    /// How the pools of `*.fcgi` scripts in CGI directories run. Default:
    /// `WorkerPoolConfiguration()`'s defaults, the environment of the CGI
    /// mount's scripts.
    public var scriptPools: WorkerPoolConfiguration? = nil
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
