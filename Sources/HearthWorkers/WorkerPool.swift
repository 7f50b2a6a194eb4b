#if canImport(Glibc)
import Glibc
#endif
import HearthHTTP
import HearthWaiting
import Logging
import Synchronization

/// A pool of long-lived FastCGI workers running one program (the
/// mod_fcgid model): the minimum started before traffic, more on demand up
/// to the maximum, one request per worker at a time, the rest waiting in a
/// bounded line. Crashed workers are restarted with backoff; a crash loop
/// fails the pool with the reason; `reload()` starts a new generation and
/// drains the old one without dropping a request.
public final class WorkerPool: FastCGIBackend, Sendable {
    public let name: String
    let configuration: WorkerPoolConfiguration
    let sockets: WorkerSockets
    let logger: Logger
    let observer: (any WorkerPoolObserver)?
    let state = Mutex(WorkerPoolState())
    private let program = Mutex<ProgramIdentity?>(nil)
    /// The pool's own tasks, run by `run()` (`WorkerPool+Service`).
    /// Finished once every worker has exited; a restart still sleeping
    /// out its backoff is cancelled then.
    let tasks = TaskLine(cancelsLeftovers: true)

    /// `name` labels the pool's log lines; `command` must not be empty.
    public init(
        name: String, configuration: WorkerPoolConfiguration, sockets: WorkerSockets, logger: Logger, observer: (any WorkerPoolObserver)? = nil
    ) {
        precondition(!configuration.command.isEmpty, "a worker pool needs a command")
        self.name = name
        self.configuration = configuration
        self.sockets = sockets
        self.logger = logger
        self.observer = observer
    }

    /// Starts the minimum number of workers (the preload). Throws if the
    /// program cannot be started. Their supervision and the pool's
    /// housekeeping run in `run()`.
    public func start() async throws {
        program.withLock { $0 = ProgramIdentity(path: configuration.command[0]) }
        for _ in 0..<configuration.minProcesses {
            state.withLock { $0.starting += 1 }
            try await startWorker(after: .zero, failFast: true)
        }
    }

    /// Waits for a free worker (FastCGIBackend). A worker that refuses the
    /// connection has exited (by itself, between requests) before the pool
    /// saw it: nothing was sent, so it is retired and one more is tried.
    func lease() async throws -> BackendLease {
        do {
            return try await leaseOnce()
        } catch let refused as Refused {
            logger.notice("worker refused the connection; trying another", metadata: ["fastcgi": "\(name)", "pid": "\(refused.pid)"])
            do { return try await leaseOnce() } catch let again as Refused { throw again.error }
        }
    }

    /// A worker that could not be connected to; `error` is the answer.
    private struct Refused: Error {
        var pid: pid_t
        var error: HTTPError
    }

    private func leaseOnce() async throws -> BackendLease {
        guard let id = try await acquireWorker() else {
            observer?.requestRejected(pool: name, reason: failure == nil ? .queueTimeout : .poolFailed)
            throw unavailable()
        }
        guard let slot = state.withLock({ $0.slots[id] }) else {
            throw HTTPError(.badGateway, "\(name): worker vanished before the request started")
        }
        let connection: FastCGIConnection
        // A kept connection the worker closed is not reused: it may have left.
        if let kept = slot.connection, kept.isReusable, kept.channel.isActive {
            connection = kept
        } else {
            do {
                connection = try await FastCGIConnection.open(.unix(slot.worker.socketPath))
            } catch {
                finish(id, connection: nil, outcome: .vanished)
                throw Refused(pid: slot.worker.pid, error: HTTPError(.badGateway, "\(name): cannot connect to worker \(slot.worker.pid): \(error)"))
            }
        }
        state.withLock { $0.slots[id]?.connection = connection }
        return BackendLease(
            connection: connection, busyTimeout: configuration.busyTimeout, origin: "worker \(slot.worker.pid)", worker: slot.worker.pid,
            leftByItself: { [worker = slot.worker] in await worker.leftByItself() },
            onRelease: { [self] connection, outcome in finish(id, connection: connection, outcome: outcome) },
            onTimeout: { [self] in killBusy(id) }
        )
    }

    /// Starts a new generation and drains the old one: idle old workers stop
    /// now, busy ones when their request ends. Clears a failure.
    public func reload() {
        let (old, shortfall) = state.withLock { state -> ([WorkerProcess], Int) in
            state.generation += 1
            state.failure = nil
            state.crashes = []
            var old: [WorkerProcess] = []
            for id in state.slots.keys {
                if state.slots[id]!.busy { state.slots[id]!.retiring = true } else if let slot = state.remove(id) { old.append(slot.worker) }
            }
            let shortfall = state.shortfall(minimum: configuration.minProcesses, maximum: configuration.maxProcesses)
            state.starting += shortfall
            return (old, shortfall)
        }
        program.withLock { $0 = ProgramIdentity(path: configuration.command[0]) }
        logger.notice("reloading worker pool", metadata: ["fastcgi": "\(name)", "draining": "\(old.count)"])
        observer?.poolReloaded(pool: name)
        for worker in old { stopWorker(worker) }
        for _ in 0..<shortfall { perform { [self] in try? await startWorker(after: .zero) } }
    }

    /// Stops every worker and waits for them to exit; requests still waiting
    /// are answered 503. `run()` returns once the last supervision ends.
    public func shutdown() async {
        let waiters = state.withLock { state -> [WaitingQueue<Void, Int>.Turn] in
            state.stopped = true
            for id in Array(state.slots.keys) { _ = state.remove(id) }
            return state.takeWaiters()
        }
        for waiter in waiters { waiter.refuse() }
        // A worker being spawned now lands in `live` (and is stopped by its
        // start, the pool being stopped): it is waited for with the rest.
        await startsLanded()
        let workers = state.withLock { Array($0.live.values) }
        await withTaskGroup(of: Void.self) { group in
            for worker in workers {
                stopWorker(worker)
                group.addTask { _ = await worker.waitForExit() }
            }
        }
        tasks.finish()
    }

    /// Waits, a few seconds at most, until no start is past its check.
    private func startsLanded(within bound: Duration = .seconds(5)) async {
        let deadline = ContinuousClock.now + bound
        while state.withLock({ $0.spawning > 0 }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Why the pool failed, if it did.
    public var failure: String? { state.withLock { $0.failure } }

    /// Workers running now, for tests and status pages.
    public var workerPIDs: [Int32] { state.withLock { $0.slots.values.map(\.worker.pid) } }

    /// The pool as it stands: each worker's state, the queue, a failure.
    /// Memory is read from /proc outside the lock.
    public func snapshot() -> WorkerPoolSnapshot {
        let now = ContinuousClock.now
        let (slots, starting, waiting, failure) = state.withLock { state in
            (state.slots.values.sorted { $0.worker.id < $1.worker.id }, state.starting, state.queue.count, state.failure)
        }
        let workers = slots.map { slot in
            WorkerPoolSnapshot.Worker(
                pid: slot.worker.pid, state: slot.retiring ? "retiring" : slot.busy ? "busy" : "idle", requests: slot.requests,
                age: now - slot.worker.started, residentBytes: slot.worker.residentBytes
            )
        }
        return WorkerPoolSnapshot(
            name: name, workers: workers, starting: starting, waiting: waiting,
            minProcesses: configuration.minProcesses, maxProcesses: configuration.maxProcesses, failure: failure
        )
    }

    private func unavailable() -> HTTPError {
        if let failure = state.withLock({ $0.failure }) {
            return HTTPError(.serviceUnavailable, "\(name): pool failed: \(failure)", headers: [("Retry-After", "10")])
        }
        return HTTPError(.serviceUnavailable, "\(name): no free worker within the queue timeout", headers: [("Retry-After", "1")])
    }
}

/// What identifies the program file, to notice it was replaced on disk.
struct ProgramIdentity: Equatable {
    var device: UInt64
    var inode: UInt64
    var modified: Int
    var size: Int

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        modified = info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec
        size = Int(info.st_size)
    }
}

extension WorkerPool {
    /// Whether the program file is not the one the workers were started from.
    func programChanged() -> Bool {
        let current = ProgramIdentity(path: configuration.command[0])
        return program.withLock { known in
            guard let current, current != known else { return false }
            known = current
            return true
        }
    }
}
