import HearthCGI
import HearthHTTP
import HearthProcess
import HearthScripts
import HearthSessions
import HearthWorkers
import Logging

/// The site's mount table: URL prefixes to responders, the longest prefix
/// winning, for each virtual host (`hosts:`; one host with every name
/// without). This is the single responder the server runs, and where local
/// redirects are re-dispatched.
public struct Site: Responder {
    public struct Mount: Sendable {
        /// `/cgi-bin`, `/` — no trailing slash except for the root.
        public var prefix: String
        public var responder: any Responder
        /// What the mount serves, in words, for the start-up log
        /// (`CGI scripts in /srv/cgi-bin`).
        public var summary: String
        /// The prefix read as a request path is read, so that a mount is
        /// chosen on the same decoded segments its resolver then uses.
        let path: RequestPath
        /// Left in the notes of each request this mount answers: its
        /// metrics (`SiteBuilder.monitoring`). nil: nothing is counted.
        public var observer: (any RequestObserver)? = nil
        /// How metrics, the status page and the access log's `mount` name
        /// it: the prefix; with virtual hosts, the host's first name before
        /// it (`example.org/cgi-bin`), so one label tells hosts apart.
        public var label: String

        public init(prefix: String, responder: any Responder, summary: String = "a responder") {
            self.prefix = prefix == "/" ? "/" : String(prefix.reversed().drop { $0 == "/" }.reversed())
            self.responder = responder
            self.summary = summary
            self.path = RequestPath.mount(prefix)
            self.label = self.prefix
        }

        func matches(_ path: RequestPath) -> Bool {
            path.below(self.path) != nil
        }
    }

    /// A hot handler's preload, run once before traffic.
    public struct WarmUp: Sendable {
        public var prefix: String
        public var run: @Sendable () async throws -> Void

        public init(prefix: String, run: @escaping @Sendable () async throws -> Void) {
            self.prefix = prefix
            self.run = run
        }
    }

    /// A warm-up failed: the site does not start.
    public struct WarmUpError: Error, CustomStringConvertible {
        public var prefix: String
        public var underlying: any Error
        public var description: String { "warm-up of the handler at \(prefix) failed: \(underlying)" }
    }

    /// The virtual hosts, in configuration order; one without names when
    /// there are no `hosts:`.
    public let hosts: [Host]
    /// Which host answers which name (`host(named:)`).
    let table: HostTable
    /// Every host's mounts.
    public var mounts: [Mount] { hosts.flatMap(\.mounts) }
    /// The site's FastCGI worker pools and remote servers.
    public let workers: WorkerPools?
    /// The hot handlers' warm-ups, in mount order.
    public let warmUps: [WarmUp]
    /// The sessions of the mounts that use them; `run` sweeps them.
    public let sessions: Sessions?
    /// What the privileged spawner may start for the `run_as` mounts and
    /// pools, by the policy numbers their configurations carry; empty when
    /// nothing runs as another user.
    public let runAsPolicies: [RunAsPolicy]
    /// The control groups of the mounts' `limits`; removed at shutdown.
    public let controlGroups: ControlGroups?
    /// The cold scripts' slots (`max_concurrent_scripts`) and their queue,
    /// for the status page beside the pools' queues.
    public let scriptSlots: ScriptLimiter?

    /// One site for every Host.
    public init(
        mounts: [Mount], workers: WorkerPools? = nil, warmUps: [WarmUp] = [], sessions: Sessions? = nil,
        runAsPolicies: [RunAsPolicy] = [], controlGroups: ControlGroups? = nil, scriptSlots: ScriptLimiter? = nil
    ) {
        self.init(
            hosts: [Host(names: [], mounts: mounts)], workers: workers, warmUps: warmUps, sessions: sessions, runAsPolicies: runAsPolicies,
            controlGroups: controlGroups, scriptSlots: scriptSlots
        )
    }

    /// Virtual hosts: a request goes to the host its Host names.
    public init(
        hosts: [Host], workers: WorkerPools? = nil, warmUps: [WarmUp] = [], sessions: Sessions? = nil,
        runAsPolicies: [RunAsPolicy] = [], controlGroups: ControlGroups? = nil, scriptSlots: ScriptLimiter? = nil
    ) {
        self.scriptSlots = scriptSlots
        self.runAsPolicies = runAsPolicies
        self.controlGroups = controlGroups
        self.hosts = hosts
        self.table = HostTable(hosts)
        self.workers = workers
        self.warmUps = warmUps
        self.sessions = sessions
    }

    /// Starts what must run before the first request: the hot handlers'
    /// warm-ups, one after another, then each worker pool's minimum (the
    /// preload). Throws the first failure, and nothing is served.
    public func start(logger: Logger = Logger(label: "Hearth")) async throws {
        try startPrivilegedSpawner(logger: logger)
        for warmUp in warmUps {
            do {
                try await warmUp.run()
            } catch {
                throw WarmUpError(prefix: warmUp.prefix, underlying: error)
            }
        }
        try await workers?.start()
    }

    /// Starts the privileged spawner once, if any mount or pool runs as
    /// another user: before `run`'s `afterBinding` gives root up.
    func startPrivilegedSpawner(logger: Logger) throws {
        guard !runAsPolicies.isEmpty, PrivilegedSpawner.current == nil else { return }
        let spawner: PrivilegedSpawner
        do {
            spawner = try PrivilegedSpawner.start(policies: runAsPolicies)
        } catch {
            throw RunAsError(description: "run_as: \(error)")
        }
        logger.info("run_as: privileged spawner started (pid \(spawner.pid)) for \(runAsPolicies.map(\.label).joined(separator: ", "))")
        // It lives as long as the server; it ending sooner is worth a line
        // (every run_as script then fails to start), and a reap.
        Task {
            let exit = await ChildReaper.shared.waitForExit(of: spawner.pid)
            logger.critical("run_as: the privileged spawner exited (\(exit.outcome)); run_as scripts and workers cannot start until Hearth is restarted")
        }
    }

    /// The privileged spawner could not start: the site does not start.
    public struct RunAsError: Error, CustomStringConvertible {
        public var description: String
    }

    /// What a person needs to know at start-up: one line per mount, the
    /// longest prefix last as a reader expects (`/`, then `/cgi-bin/`), and
    /// a warning when nothing is served at all.
    public func logMounts(_ logger: Logger) {
        if mounts.isEmpty { logger.warning("no mounts: every request will be 404 (give --cgi-bin, --root or a config file with mounts)") }
        for host in hosts {
            if !host.names.isEmpty {
                let role = host.mounts.isEmpty ? " (no mounts: every request is 404)" : ""
                logger.info("host \(host.names.map(\.text).joined(separator: ", "))\(role)")
            }
            for mount in host.mounts.reversed() {
                logger.info("\(host.names.isEmpty ? "" : "  ")\(mount.prefix == "/" ? "/" : mount.prefix + "/") → \(mount.summary)")
            }
        }
    }

    /// After the server stopped: retires the site and closes the session
    /// store.
    public func shutdown() async {
        await retire()
        await sessions?.store.close()
    }

    /// Once no request uses the site any more (the server stopped, or a
    /// reload replaced it): stops every worker and removes the control
    /// groups (their processes are gone by now). The sessions stay: a
    /// reloaded site keeps its predecessor's.
    public func retire() async {
        await workers?.shutdown()
        controlGroups?.removeAll()
    }

    /// Chooses the mount on the request's one normalized path
    /// (`Request.path`): however a client spells `/private` (`//private`,
    /// `/%70rivate`, `http://host/private`), the mount that owns it answers,
    /// with its authentication.
    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        var request = request
        let mount = try mount(for: &request)
        // For the access log (`%{mount}n`, the JSON log's `mount`).
        request.notes["mount"] = mount.label
        if let observer = mount.observer { request.notes.observer = observer }
        try await mount.responder.respond(to: request, writer: writer)
    }

    /// The mount that answers `request`: its host's, chosen on its path
    /// read once.
    func mount(for request: inout Request) throws -> Mount {
        let host = try host(for: &request)
        let path = try request.readPathOnce()
        guard let mount = host.mounts.first(where: { $0.matches(path) }) else {
            throw HTTPError(.notFound, "no mount serves \(request.rawPath)")
        }
        return mount
    }

    /// What `respond` would do with `request`, without doing it (`hearth
    /// explain`): the mount chosen as `respond` chooses it, and what its
    /// responder would run, with the environment it would give. Throws the
    /// `HTTPError` the server would answer with.
    /// With `hosts:`, the host chosen is the explanation's first note.
    public func explain(_ request: Request) throws -> (mount: Mount, explanation: Explanation) {
        var request = request
        let mount = try mount(for: &request)
        var explanation = try (mount.responder as? any ExplainingResponder)?.explain(request) ?? Explanation(handler: mount.summary)
        if table.isVirtual, let name = request.serverName {
            explanation.notes.insert("host: \(name) (\(host(named: name).host.names.map(\.text).joined(separator: ", ")))", at: 0)
        }
        return (mount, explanation)
    }
}
