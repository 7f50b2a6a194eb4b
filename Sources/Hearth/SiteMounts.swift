import HearthAuth
import HearthGateway
import HearthHTTP
import HearthScripts
import HearthStatic
import HearthTLS
import HearthWorkers

/// What one site serves: the `cgi:`, `fastcgi:` and `static:` items of the
/// config file (top-level, or of one of `hosts:`) with their `auth:`.
public struct SiteMounts: Sendable {
    /// Script directories. Default: `./cgi-bin` at `/cgi-bin`.
    public var cgiMounts: [CGIMountConfiguration] = [CGIMountConfiguration()]
    /// FastCGI applications: pools Hearth supervises, or running servers.
    /// Default none.
    public var fastCGIMounts: [FastCGIMountConfiguration] = []
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

    /// The sample site's mounts.
    public init() {}

    /// No mount at all: where a virtual host starts before its own items.
    public static var none: SiteMounts {
        var mounts = SiteMounts()
        mounts.cgiMounts = []
        mounts.staticMounts = []
        return mounts
    }
}

/// One item of `hosts:`: the names it answers to and what it serves.
public struct VirtualHostConfiguration: Sendable {
    /// Exact names and `*.example.org` wildcards (one or more labels
    /// under it); at least one. The first is SERVER_NAME when a request
    /// names no host this one lists but lands here as the default.
    public var names: [HostNamePattern]
    /// The host of requests whose Host no host lists (and of HTTP/1.0
    /// requests without one). Default false; without any, the first host.
    public var isDefault = false
    /// This host's certificate, chosen by SNI under its names on every TLS
    /// listener, after the listener's own `certificates`. Default nil.
    public var tls: TLSCertificateFiles? = nil
    /// The host's mounts. Default none.
    public var mounts = SiteMounts.none

    public init(names: [HostNamePattern], isDefault: Bool = false, tls: TLSCertificateFiles? = nil, mounts: SiteMounts = .none) {
        self.names = names
        self.isDefault = isDefault
        self.tls = tls
        self.mounts = mounts
    }
}

extension HearthConfiguration {
    /// `mounts.cgiMounts`: the one site's script directories.
    public var cgiMounts: [CGIMountConfiguration] {
        get { mounts.cgiMounts }
        set { mounts.cgiMounts = newValue }
    }

    /// `mounts.fastCGIMounts`.
    public var fastCGIMounts: [FastCGIMountConfiguration] {
        get { mounts.fastCGIMounts }
        set { mounts.fastCGIMounts = newValue }
    }

    /// `mounts.staticMounts`.
    public var staticMounts: [StaticFilesConfiguration] {
        get { mounts.staticMounts }
        set { mounts.staticMounts = newValue }
    }

    /// `mounts.authentication`.
    public var authentication: [String: BasicAuthConfiguration] {
        get { mounts.authentication }
        set { mounts.authentication = newValue }
    }

    /// `mounts.documentRootScripts`.
    public var documentRootScripts: [String: CGIMountConfiguration] {
        get { mounts.documentRootScripts }
        set { mounts.documentRootScripts = newValue }
    }
}

extension HearthConfiguration {
    /// Each host's mounts with the key path before its items (`hosts[1].`);
    /// without hosts, the one site's with "". What `hearth check` and
    /// `hearth doctor` go through.
    public var mountsOfEveryHost: [(keyPrefix: String, mounts: SiteMounts)] {
        hosts.isEmpty ? [("", mounts)] : hosts.enumerated().map { ("hosts[\($0)].", $1.mounts) }
    }
}
