#if canImport(Glibc)
import Glibc
#endif
import HearthCGI
import HearthScripts
import HearthRelay
import Logging
import ServiceLifecycle
import Synchronization

/// Every FastCGI backend of a site: the mounts' pools and remote servers,
/// and the pools of `*.fcgi` scripts in CGI directories. The site starts
/// them (preloading each pool's minimum) before it accepts traffic,
/// reloads them on request (`reload()`), and stops them at shutdown.
/// It is the service that runs every pool's service (`run()`), in the
/// server's service group or beside a site built for a test.
public final class WorkerPools: Service, Sendable {
    public let sockets: WorkerSockets
    let logger: Logger
    let observer: (any WorkerPoolObserver)?
    private let pools = Mutex<[String: WorkerPool]>([:])
    private let remotes = Mutex<[RemoteBackend]>([])
    private let scriptDirectories = Mutex<[ScriptPools]>([])
    private let started = Mutex(false)
    /// Each pool's `run()`, as a child task of this `run()`.
    private let running = TaskLine(cancelsLeftovers: false)

    /// `observer` is told of crashes, restarts, recycling, reloads and
    /// rejections in every pool (the site's metrics); nil for none.
    public init(logger: Logger, observer: (any WorkerPoolObserver)? = nil) {
        self.sockets = WorkerSockets()
        self.logger = logger
        self.observer = observer
    }

    /// The responder for a FastCGI mount.
    public func responder(for mount: FastCGIMountConfiguration, server: CGIServer, redirector: LocalRedirector) -> FastCGIResponder {
        let backend: any FastCGIBackend
        switch mount.backend {
        case .pool(var configuration):
            // RFC 3875 §7.2: a script's working directory SHOULD be its own;
            // a pool serving a directory of files starts in that directory.
            configuration.workingDirectory = configuration.workingDirectory ?? mount.directory
            backend = pool(named: mount.poolLabel + " → " + configuration.command.joined(separator: " "), configuration: configuration)
        case .remote(let configuration):
            let remote = RemoteBackend(configuration: configuration)
            remotes.withLock { $0.append(remote) }
            backend = remote
        }
        return FastCGIResponder(mount: mount, backend: backend, server: server, redirector: redirector, logger: logger)
    }

    /// What runs a CGI directory's `*.fcgi` scripts warm, each as a pool
    /// configured like `template` (its command is the script).
    public func scripts(in directory: String, template: WorkerPoolConfiguration, server: CGIServer, redirector: LocalRedirector) -> any WarmScripts {
        let scripts = ScriptPools(directory: directory, template: template, pools: self, server: server, redirector: redirector)
        scriptDirectories.withLock { $0.append(scripts) }
        return scripts
    }

    /// The pool running `configuration`, made once per name; started at
    /// once when the site is already running (a script found later).
    func pool(named name: String, configuration: WorkerPoolConfiguration) -> WorkerPool {
        let (pool, isNew) = pools.withLock { pools -> (WorkerPool, Bool) in
            if let pool = pools[name] { return (pool, false) }
            let pool = WorkerPool(name: name, configuration: configuration, sockets: sockets, logger: logger, observer: observer)
            pools[name] = pool
            return (pool, true)
        }
        guard isNew else { return pool }
        running.add { await pool.run() }
        if started.withLock({ $0 }) {
            running.add { [logger] in
                do { try await pool.start() } catch { logger.error("cannot start worker pool", metadata: ["fastcgi": "\(name)", "error": "\(error)"]) }
            }
        }
        return pool
    }

    /// Preloads every pool: the `*.fcgi` scripts found in the CGI
    /// directories, and each pool's minimum of workers. Throws if a program
    /// cannot be started at all.
    public func start() async throws {
        for scripts in scriptDirectories.withLock({ $0 }) { scripts.preload() }
        started.withLock { $0 = true }
        for pool in pools.withLock({ Array($0.values) }) { try await pool.start() }
    }

    /// A new generation of every pool; the old ones drain. (`hearth serve`'s
    /// SIGHUP builds a whole new site instead, pools included.)
    public func reload() {
        for pool in pools.withLock({ Array($0.values) }) { pool.reload() }
    }

    /// Runs every pool until the pools are shut down (`shutdown()`, or the
    /// group's graceful shutdown, which each pool answers by stopping its
    /// workers).
    public func run() async {
        await withGracefulShutdownHandler {
            await running.run()
        } onGracefulShutdown: { [running] in
            running.finish()
        }
    }

    /// Stops every worker, waits for them, removes the socket directory;
    /// `run()` returns.
    public func shutdown() async {
        for remote in remotes.withLock({ $0 }) { remote.shutdown() }
        for pool in pools.withLock({ Array($0.values) }) { await pool.shutdown() }
        sockets.remove()
        running.finish()
    }

    /// The pools by name, for tests and status pages.
    public var all: [String: WorkerPool] { pools.withLock { $0 } }

    /// Every pool as it stands, by name: the status page and the gauges.
    public func snapshots() -> [WorkerPoolSnapshot] {
        all.values.map { $0.snapshot() }.sorted { $0.name < $1.name }
    }
}
