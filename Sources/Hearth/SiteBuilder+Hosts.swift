import HearthHTTP
import HearthProcess
import HearthRelay
import HearthScripts
import HearthSessions
import HearthWorkers

/// The mounts of one host as the builder wires them: a virtual host's
/// (`hosts[1]`), or without `hosts:` the one site's.
struct MountSet {
    var host: VirtualHostConfiguration?
    var mounts: SiteMounts
    /// Before the key paths its errors name: `hosts[1].` (`hosts[1].cgi[0].directory`), or "".
    var keyPrefix = ""
    /// Before its control groups' directory names: `host1-`, or "".
    var groupPrefix = ""
    /// Before its mounts' metric labels: the host's first name
    /// (`example.org/cgi-bin`), or "" (`/cgi-bin`, as without hosts).
    var metricPrefix = ""
}

/// What the mounts of every host share: one script limit
/// (`max_concurrent_scripts` is server-wide), one redirector (a local
/// redirect is dispatched through the whole site, to the request's host),
/// the sessions, the worker pools, the `run_as` policies.
struct SiteParts {
    let redirector: LocalRedirector
    let limiter: ScriptLimiter
    let sessions: Sessions?
    let workers: WorkerPools
    /// `configuration.authentication`: the Swift mounts' (and, without
    /// hosts, the one site's items').
    let swiftGuards: AuthenticationGuards
    /// Every host's script directories: no host serves their bytes.
    let scriptDirectories: [String]
    /// Each host's static roots, resolved, by host.
    let staticRoots: [[String]]
    var policies: [RunAsPolicy] = []
}

extension SiteBuilder {
    /// One set per virtual host, or the one site's mounts without hosts.
    var mountSets: [MountSet] {
        guard !configuration.hosts.isEmpty else { return [MountSet(host: nil, mounts: configuration.mounts)] }
        return configuration.hosts.enumerated().map { index, host in
            MountSet(
                host: host, mounts: host.mounts, keyPrefix: "hosts[\(index)].", groupPrefix: "host\(index)-",
                metricPrefix: host.names.first?.text ?? ""
            )
        }
    }

    /// The set's script directories that exist; one that does not is
    /// reported where its mount is built.
    func scriptDirectories(of set: MountSet) -> [String] {
        let cgi = set.mounts.cgiMounts.enumerated().compactMap { try? resolveDirectory($1.directory, key: "\(set.keyPrefix)cgi[\($0)].directory") }
        let fastCGI = set.mounts.fastCGIMounts.enumerated().compactMap { index, mount in
            mount.directory.flatMap { try? resolveDirectory($0, key: "\(set.keyPrefix)fastcgi[\(index)].directory") }
        }
        return cgi + fastCGI
    }

    /// The set's static roots, resolved; a missing one is an error here.
    func staticRoots(of set: MountSet) throws -> [String] {
        try set.mounts.staticMounts.enumerated().map { try resolveDirectory($1.root, key: "\(set.keyPrefix)static[\($0)].root") }
    }
}
