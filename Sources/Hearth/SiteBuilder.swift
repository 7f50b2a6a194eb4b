#if canImport(Glibc)
import Glibc
#endif
import HearthCGI
import HearthGateway
import HearthScripts
import HearthHTTP
import HearthPages
import HearthProcess
import HearthRelay
import HearthSessions
import HearthStatic
import HearthWeb
import HearthWorkers
import Logging

/// Builds a `Site` from mounts: the same builder serves the config file,
/// the command line and a user's own executable.
public struct SiteBuilder {
    public var configuration: HearthConfiguration
    /// Each with the host it is for (`onHost`); nil: every host.
    private var extraMounts: [(mount: Site.Mount, host: String?)] = []
    private var handlerMounts: [(prefix: String, handler: any HearthHandler, sessions: Bool, sendfileRoots: [String], host: String?)] = []
    /// The host the mounts made now are for, inside `onHost`.
    private var scopeHost: String?
    private var warmUps: [Site.WarmUp] = []
    /// The sessions of the mounts that use them. nil (the default): made
    /// by `build` from `configuration.sessions`. Set it to share a
    /// `Sessions` you made (a store of your own) with the site.
    public var sessions: Sessions?
    /// Metrics and the status page (issue 24): each mount counts its
    /// requests, runs and files into it, the pools and sessions their
    /// events. nil (the default): nothing is counted. `hearth serve` sets
    /// it when `admin:` is configured.
    public var monitoring: Monitoring?
    /// Server pages: scope providers and steps for every pages mount, and
    /// the `ServerPages` handed out by `pages(root:)` (SiteBuilder+Pages).
    var pageSetup = PageSetup()

    public init(configuration: HearthConfiguration = HearthConfiguration()) {
        self.configuration = configuration
    }

    /// Mounts any responder (a Swift handler, for instance) at `prefix`.
    public mutating func mount(_ prefix: String, _ responder: any Responder) {
        extraMounts.append((Site.Mount(prefix: prefix, responder: responder), scopeHost))
    }

    /// Mounts a Swift handler in-process (hot) at `prefix`: SCRIPT_NAME is
    /// the prefix, PATH_INFO the decoded rest, as for a script there.
    /// `warmUp` runs in `Site.start()`, before the server accepts traffic
    /// (mod_python's PythonImport: open a pool, fill a cache); state the
    /// handler keeps persists across requests.
    public mutating func mount(_ prefix: String, handler: some HearthHandler, warmUp: (@Sendable () async throws -> Void)? = nil) {
        mount(prefix, handler: handler, sessions: false, warmUp: warmUp)
    }

    /// The same, and with `sessions: true` the handler is wrapped in a
    /// `SessionHandler` with the site's sessions (`request.session`;
    /// docs/sessions.md).
    public mutating func mount(
        _ prefix: String, handler: some HearthHandler, sessions: Bool, warmUp: (@Sendable () async throws -> Void)? = nil
    ) {
        mount(prefix, handler: handler, sessions: sessions, sendfileRoots: [], warmUp: warmUp)
    }

    /// The same, and the handler may answer with `X-Sendfile: /path` or
    /// `X-Accel-Redirect: /uri` for a file under `sendfileRoots` (a static
    /// mount's `sendfile_roots`): the server sends it with the static
    /// rules (type, ranges, 304) and the field never reaches the client.
    public mutating func mount(
        _ prefix: String, handler: some HearthHandler, sessions: Bool = false, sendfileRoots: [String],
        warmUp: (@Sendable () async throws -> Void)? = nil
    ) {
        handlerMounts.append((prefix, handler, sessions, sendfileRoots, scopeHost))
        if let warmUp { warmUps.append(Site.WarmUp(prefix: prefix, run: warmUp)) }
    }

    /// The mounts `add` makes are served by the virtual host that lists
    /// `name` (one of its `hosts[].names`, exactly as written there) and by
    /// no other; outside `onHost`, a Swift mount is served by every host.
    /// A name no host lists is a configuration error at `build`.
    public mutating func onHost(_ name: String, _ add: (inout SiteBuilder) throws -> Void) rethrows {
        let outer = scopeHost
        scopeHost = HostNamePattern.normalize(name)
        defer { scopeHost = outer }
        try add(&self)
    }

    /// Checks every directory once, resolves it to an absolute, symlink-free
    /// path, makes the control groups of the mounts' `limits`, and wires
    /// the responders together.
    public func build(logger: Logger) throws -> Site {
        try build(logger: logger, makingControlGroups: true)
    }

    /// The site as `build` wires it, for `Site.explain` alone: no control
    /// group is made (its limits are not applied), and nothing starts
    /// until `Site.start`, which an explanation never calls.
    public func buildForExplaining(logger: Logger) throws -> Site {
        try build(logger: logger, makingControlGroups: false)
    }

    private func build(logger: Logger, makingControlGroups: Bool) throws -> Site {
        var limits = SiteLimits(configuration: configuration, logger: logger)
        limits.makesGroups = makingControlGroups
        do {
            return try build(logger: logger, limits: &limits)
        } catch {
            limits.groups?.removeAll()
            throw error
        }
    }

    private func build(logger: Logger, limits: inout SiteLimits) throws -> Site {
        try checkMountHosts()
        let sessions = siteSessions(logger: logger)
        if let monitoring { sessions?.observer = monitoring.sessions }
        let sets = mountSets
        var parts = SiteParts(
            redirector: LocalRedirector(maxDepth: configuration.maxLocalRedirects), limiter: ScriptLimiter(maxTotal: configuration.maxConcurrentScripts),
            sessions: sessions, workers: WorkerPools(logger: logger, observer: monitoring?.pools),
            swiftGuards: AuthenticationGuards(configuration.authentication, logger: logger),
            scriptDirectories: sets.flatMap { scriptDirectories(of: $0) }, staticRoots: try sets.map { try staticRoots(of: $0) }
        )
        var hosts: [Site.Host] = []
        for (index, set) in sets.enumerated() {
            var mounts = try build(set, roots: parts.staticRoots[index], parts: &parts, limits: &limits, logger: logger)
            if let monitoring {
                for index in mounts.indices { mounts[index].observer = monitoring.mount(mounts[index].label) }
            }
            hosts.append(Site.Host(names: set.host?.names ?? [], isDefault: set.host?.isDefault ?? false, mounts: mounts))
        }
        try parts.swiftGuards.checkAllUsed()
        let site = Site(
            hosts: hosts, workers: parts.workers, warmUps: warmUps, sessions: sessions, runAsPolicies: parts.policies, controlGroups: limits.groups,
            scriptSlots: parts.limiter
        )
        parts.redirector.route(to: site)
        return site
    }

    /// One host's mounts (or the one site's, without `hosts:`): the Swift
    /// mounts, then its `cgi`, `fastcgi` and `static` items.
    private func build(_ set: MountSet, roots staticRoots: [String], parts: inout SiteParts, limits: inout SiteLimits, logger: Logger) throws -> [Site.Mount] {
        let (redirector, limiter) = (parts.redirector, parts.limiter)
        let server = CGIServer(software: configuration.server.serverSoftware, documentRoot: staticRoots.first ?? "")
        // Without hosts, the one site's items are guarded as its Swift
        // mounts are, by one table: what a key names, either may use.
        let guards = set.host == nil ? parts.swiftGuards : AuthenticationGuards(set.mounts.authentication, logger: logger)
        var mounts = try swiftMounts(for: set.host, server: server, sessions: parts.sessions, guards: parts.swiftGuards, logger: logger)
        let (key, group) = (set.keyPrefix, set.groupPrefix)
        for (index, var cgi) in set.mounts.cgiMounts.enumerated() {
            cgi.directory = try resolveDirectory(cgi.directory, key: "\(key)cgi[\(index)].directory")
            (cgi.limits, cgi.controlGroup) = try limits.prepare(cgi.limits, key: "\(key)cgi[\(index)].limits", label: "\(group)cgi-\(index)")
            var template = scriptPoolTemplate(for: cgi)
            (template.limits, template.controlGroup) = try limits.prepare(template.limits, key: "fcgi_scripts.limits", label: "\(group)cgi-\(index)-fcgi")
            if let account = cgi.runAs {
                cgi.runAsPolicy = parts.policies.add(RunAsPolicy(
                    label: "\(key)cgi[\(index)]", account: account,
                    programs: .scripts(directory: cgi.directory, interpreters: cgi.interpreters.values.sorted()), minimums: configuration.runAsMinimums
                ))
            }
            if let account = template.runAs {
                template.runAsPolicy = parts.policies.add(RunAsPolicy(
                    label: "\(key)cgi[\(index)] *.fcgi", account: account, programs: .scripts(directory: cgi.directory, interpreters: []),
                    minimums: configuration.runAsMinimums
                ))
            }
            let warm = parts.workers.scripts(in: cgi.directory, template: template, server: server, redirector: redirector)
            let gateway = CGIGateway(mount: cgi, server: server, limiter: limiter, redirector: redirector, logger: logger, warm: warm)
            let summary = "CGI scripts in \(cgi.directory); *.fcgi files as FastCGI pools of \(template.minProcesses)–\(template.maxProcesses) workers each"
            mounts.append(try guards.protect(Site.Mount(prefix: cgi.urlPath, responder: gateway, summary: summary), key: "\(key)cgi[\(index)]"))
        }
        var namedPools: [String: FastCGIResponder] = [:]
        for (index, var fastCGI) in set.mounts.fastCGIMounts.enumerated() {
            fastCGI.directory = try fastCGI.directory.map { try resolveDirectory($0, key: "\(key)fastcgi[\(index)].directory") }
            if case .pool(var pool) = fastCGI.backend {
                (pool.limits, pool.controlGroup) = try limits.prepare(pool.limits, key: "\(key)fastcgi[\(index)].limits", label: "\(group)fastcgi-\(index)")
                fastCGI.backend = .pool(pool)
            }
            if case .pool(var pool) = fastCGI.backend, let account = pool.runAs, let program = pool.command.first {
                pool.runAsPolicy = parts.policies.add(RunAsPolicy(
                    label: "\(key)fastcgi[\(index)]", account: account, programs: .command(program), minimums: configuration.runAsMinimums
                ))
                fastCGI.backend = .pool(pool)
            }
            let responder = parts.workers.responder(for: fastCGI, server: server, redirector: redirector)
            if let name = fastCGI.name {
                guard namedPools[name] == nil else { throw configuration.origin(of: "\(key)fastcgi[\(index)].name").error("another fastcgi item is named \(name)") }
                namedPools[name] = responder
            }
            guard fastCGI.isMounted else { continue }
            mounts.append(try guards.protect(Site.Mount(prefix: fastCGI.urlPath, responder: responder, summary: Self.summary(of: fastCGI)), key: "\(key)fastcgi[\(index)]"))
        }
        for (index, var files) in set.mounts.staticMounts.enumerated() {
            files.root = staticRoots[index]
            files.symlinkRoots = try files.symlinkRoots.enumerated().map { try resolveDirectory($1, key: "\(key)static[\(index)].symlink_roots[\($0)]") }
            // The bytes of a script are never served (SECURITY.md), even when
            // the script directory lies inside the document root (of any
            // host); and a file is served only by its own mount, with that
            // mount's rules (its authentication above all), never by a
            // mount whose root happens to contain it.
            files.forbiddenRoots += parts.scriptDirectories + Self.nested(in: files.root, among: parts.staticRoots.flatMap { $0 })
            let fileResponder: any ExplainingResponder = files.pages
                ? pageSetup.responder(for: files, server: server, sessions: pageSessions(parts.sessions), logger: logger)
                : StaticFileResponder(configuration: files, logger: logger)
            var responder: any Responder = fileResponder
            var summary = "static files in \(files.root)" + (files.pages ? ", with server pages" : "")
            if !files.scripts.isEmpty || files.fallback != nil {
                let scripts = DocumentRootScripts(
                    server: server, limiter: limiter, redirector: redirector, pools: namedPools, logger: logger, resolveDirectory: resolveDirectory
                )
                var settings = set.mounts.documentRootScripts[files.urlPath] ?? CGIMountConfiguration()
                (settings.limits, settings.controlGroup) = try limits.prepare(
                    settings.limits, key: "\(key)static[\(index)].cgi.limits", label: "\(group)static-\(index)"
                )
                responder = try scripts.responder(
                    for: &files, settings: settings, files: fileResponder, key: "\(key)static[\(index)]", configuration: configuration
                )
                summary += "; " + DocumentRootScripts.summary(of: files.scripts)
            }
            mounts.append(try guards.protect(Site.Mount(prefix: files.urlPath, responder: responder, summary: summary), key: "\(key)static[\(index)]"))
        }
        if set.host != nil { try guards.checkAllUsed() }
        for index in mounts.indices { mounts[index].label = set.metricPrefix + mounts[index].prefix }
        return mounts
    }

    /// The mounts made in Swift (`mount(_:_:)`, `mount(_:handler:)`) that
    /// `host` serves: those made for every host, and those `onHost` made
    /// for one of its names; behind `configuration.authentication`.
    private func swiftMounts(for host: VirtualHostConfiguration?, server: CGIServer, sessions: Sessions?, guards: AuthenticationGuards, logger: Logger) throws -> [Site.Mount] {
        let serves = { (name: String?) in name.map { name in host?.names.contains { $0.text == name } ?? false } ?? true }
        var mounts = try extraMounts.filter { serves($0.host) }.map { try guards.protect($0.mount, key: "mount \($0.mount.prefix)") }
        for (prefix, handler, wantsSessions, sendfileRoots, scope) in handlerMounts where serves(scope) {
            let wrapped: any HearthHandler = if wantsSessions, let sessions { SessionHandler(handler, sessions: sessions) } else { handler }
            var responder = HandlerResponder(handler: wrapped, mountedAt: prefix, server: server, logger: logger)
            responder.sendfile = try hotFileSender(prefix: prefix, roots: sendfileRoots, logger: logger)
            let summary = "Swift handler \(type(of: handler))" + (wantsSessions ? ", with sessions" : "")
            mounts.append(try guards.protect(Site.Mount(prefix: prefix, responder: responder, summary: summary), key: "mount \(prefix)"))
        }
        return mounts
    }

    /// Every name `onHost` was given is one a virtual host lists: a mount
    /// for a host that does not exist would be served by none, silently.
    private func checkMountHosts() throws {
        let listed = Set(configuration.hosts.flatMap { $0.names.map(\.text) })
        let scoped = extraMounts.map { ($0.mount.prefix, $0.host) } + handlerMounts.map { ($0.prefix, $0.host) }
        for case let (prefix, name?) in scoped where !listed.contains(name) {
            throw ConfigurationError(key: "mount \(prefix)", message: "onHost(\"\(name)\"): no host in hosts: lists that name", position: nil)
        }
    }

    /// A hot mount's `sendfileRoots`, each resolved (an error names it),
    /// sent with the static rules; nil for none.
    private func hotFileSender(prefix: String, roots: [String], logger: Logger) throws -> StaticFileSender? {
        guard !roots.isEmpty else { return nil }
        let resolved = try roots.enumerated().map { try resolveDirectory($1, key: "mount \(prefix) sendfileRoots[\($0)]") }
        var files = StaticFilesConfiguration()
        files.urlPath = prefix
        files.root = resolved[0]
        return StaticFileSender(roots: resolved, files: StaticFileResponder(configuration: files, logger: logger), logger: logger)
    }

    /// The given `sessions`, else ones made from `configuration.sessions`
    /// when it is set or a mount asks for sessions; nil when nothing uses them.
    private func siteSessions(logger: Logger) -> Sessions? {
        if let sessions { return sessions }
        guard configuration.sessions != nil || handlerMounts.contains(where: \.sessions) else { return nil }
        return Sessions(configuration: configuration.sessions ?? SessionConfiguration(), logger: logger)
    }

    /// Pages run with sessions when the site has them by configuration
    /// (`sessions:`) or by `SiteBuilder.sessions`, not merely because a
    /// handler mount asked: a page must not lock a session it was not
    /// meant to use.
    private func pageSessions(_ sessions: Sessions?) -> Sessions? {
        configuration.sessions != nil || self.sessions != nil ? sessions : nil
    }

    /// `*.fcgi` pools run with the CGI mount's script environment unless
    /// `fcgi_scripts` says otherwise.
    private func scriptPoolTemplate(for cgi: CGIMountConfiguration) -> WorkerPoolConfiguration {
        if var template = configuration.scriptPools {
            template.runAs = template.runAs ?? cgi.runAs
            return template
        }
        var template = WorkerPoolConfiguration()
        template.environment = cgi.environment
        template.runAs = cgi.runAs
        return template
    }

    /// `FastCGI pool: /usr/bin/php-cgi (1–8 workers), files in /srv/app`.
    static func summary(of mount: FastCGIMountConfiguration) -> String {
        let files = mount.directory.map { ", .\(mount.extensions.joined(separator: "/.")) files in \($0)" } ?? ""
        switch mount.backend {
        case .pool(let pool):
            return "FastCGI pool: \(pool.command.joined(separator: " ")) (\(pool.minProcesses)–\(pool.maxProcesses) workers)" + files
        case .remote(let remote):
            return "FastCGI server at \(remote.address)" + files
        }
    }

    /// The roots strictly inside `root`: another mount's files.
    static func nested(in root: String, among roots: [String]) -> [String] {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return roots.filter { $0 != root && $0.hasPrefix(prefix) }
    }

    /// The directory's absolute, symlink-free path; an error names the key
    /// (or flag) that set it and, from a file, its line.
    func resolveDirectory(_ path: String, key: String) throws -> String {
        guard let resolved = CGIPosixFileSystem().realPath(path), CGIPosixFileSystem().kind(of: resolved) == .directory else {
            throw configuration.origin(of: key).error("\(path) is not a directory")
        }
        return resolved
    }
}

extension [RunAsPolicy] {
    /// Appends `policy`; returns its number, which the mount's spawns name.
    fileprivate mutating func add(_ policy: RunAsPolicy) -> Int {
        append(policy)
        return count - 1
    }
}

/// A configuration problem, naming the key and, for the config file, the
/// line and column.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var key: String
    public var message: String
    public var position: (file: String, line: Int, column: Int)?

    public init(key: String, message: String, position: (file: String, line: Int, column: Int)?) {
        self.key = key
        self.message = message
        self.position = position
    }

    public var description: String {
        guard let position else { return "\(key): \(message)" }
        return "\(position.file):\(position.line):\(position.column): \(key): \(message)"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.key == rhs.key && lhs.message == rhs.message && lhs.position?.file == rhs.position?.file
            && lhs.position?.line == rhs.position?.line && lhs.position?.column == rhs.position?.column
    }
}
