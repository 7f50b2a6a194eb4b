import HearthHTTP
import HearthProcess
import HearthWaiting
import Logging
import NIOCore
import NIOPosix
import Synchronization

extension WorkerPool {
    /// A worker id, or nil when none came within the queue timeout (or the
    /// pool failed or stopped). Starts a worker if the pool may grow.
    func acquireWorker() async throws -> Int? {
        enum Decision { case take(Int), wait(WaitingQueue<Void, Int>.Ticket), refuse, queueFull }
        let (decision, spawn) = state.withLock { state -> (Decision, Int) in
            guard !state.stopped, state.failure == nil else { return (.refuse, 0) }
            if let id = state.idle.popLast() {
                state.slots[id]?.busy = true
                return (.take(id), 0)
            }
            guard state.queue.count < configuration.maxQueue else { return (.queueFull, 0) }
            let spawn = state.slots.count + state.starting < configuration.maxProcesses ? 1 : 0
            state.starting += spawn
            return (.wait(state.queue.issueTicket()), spawn)
        }
        if spawn > 0 { perform { [self] in try? await startWorker(after: .zero) } }
        switch decision {
        case .take(let id): return id
        case .refuse: return nil
        case .queueFull:
            observer?.requestRejected(pool: name, reason: .queueFull)
            throw HTTPError(.serviceUnavailable, "\(name): every worker busy and \(configuration.maxQueue) requests already waiting (max_queue)", headers: [("Retry-After", "1")])
        case .wait(let ticket): return await wait(ticket)
        }
    }

    private func wait(_ ticket: WaitingQueue<Void, Int>.Ticket) async -> Int? {
        guard configuration.queueTimeout > .zero else { return nil }
        return await Waiting.wait(atMost: configuration.queueTimeout) { continuation in
            state.withLock { state -> Int? in
                if let id = state.idle.popLast() {
                    state.slots[id]?.busy = true
                    return id
                }
                state.queue.enqueue(ticket, tag: (), continuation)
                return nil
            }
        } leave: { [self] in
            state.withLock { $0.queue.leave(ticket) }?.refuse()
        }
    }

    /// A request ended: the worker serves the next one, or is retired (old
    /// generation, request limit, memory limit, broken connection of a
    /// stopped worker).
    func finish(_ id: Int, connection: FastCGIConnection?, outcome: LeaseOutcome) {
        if outcome != .completed || connection?.isReusable == false { connection?.close() }
        let overMemory = configuration.maxResidentBytes.map { limit in
            state.withLock { $0.slots[id]?.worker }?.residentBytes.map { $0 > limit } ?? false
        } ?? false
        var recycling: WorkerRecycling?
        let (retired, waiter) = state.withLock { state -> (WorkerProcess?, WaitingQueue<Void, Int>.Turn?) in
            guard var slot = state.slots[id] else { return (nil, nil) }
            slot.requests += 1
            if outcome != .completed || !(slot.connection?.isReusable ?? false) { slot.connection = nil }
            let used = configuration.maxRequests.map { slot.requests >= $0 } ?? false
            state.slots[id] = slot
            if slot.retiring || used || overMemory || outcome == .vanished || slot.worker.generation != state.generation {
                if !slot.retiring && outcome != .vanished { recycling = used ? .maxRequests : overMemory ? .maxMemory : nil }
                return (state.remove(id)?.worker, nil)
            }
            return (nil, state.offer(id))
        }
        waiter?.grant(id)
        if let retired {
            if let reason = recycling { observer?.workerRecycled(pool: name, reason: reason) }
            logger.info("retiring worker", metadata: ["fastcgi": "\(name)", "pid": "\(retired.pid)", "over_memory": "\(overMemory)"])
            stopWorker(retired)
            replenish()
        }
    }

    /// The busy timeout: the worker is stopped and its connection closed, so
    /// the request waiting on it ends at once (504).
    func killBusy(_ id: Int) {
        let slot = state.withLock { state -> WorkerPoolState.Slot? in
            state.slots[id]?.retiring = true
            return state.slots[id]
        }
        guard let slot else { return }
        // The connection first: nothing the worker writes after its time
        // is up reaches the client (FCGI.pm answers SIGTERM by finishing
        // the request it holds).
        slot.connection?.close()
        slot.worker.stop(grace: configuration.killGrace)
    }

    /// Starts one worker (already counted in `starting`) after `delay`, and
    /// supervises it until it exits. `failFast`: throw instead of counting
    /// a crash (the preload, where the server should not start).
    func startWorker(after delay: Duration, failFast: Bool = false) async throws {
        if delay > .zero { try? await Task.sleep(for: delay) }
        // A start that comes after shutdown (a worker that left by itself
        // being replaced) never spawns: nobody would stop its worker.
        let start = state.withLock { state -> (id: Int, generation: Int)? in
            guard !state.stopped else {
                state.starting -= 1
                return nil
            }
            state.nextID += 1
            state.spawning += 1
            return (state.nextID, state.generation)
        }
        guard let (id, generation) = start else { return }
        let worker: WorkerProcess
        do {
            worker = try await WorkerProcess.start(
                id: id, generation: generation, configuration: configuration,
                socketPath: try sockets.path(pool: name, worker: id), label: name, logger: logger
            )
        } catch {
            state.withLock { state in
                state.starting -= 1
                state.spawning -= 1
            }
            if failFast { throw error }
            crashed(reason: "\(error)")
            return
        }
        let (waiter, stopNow) = state.withLock { state -> (WaitingQueue<Void, Int>.Turn?, Bool) in
            state.starting -= 1
            state.spawning -= 1
            state.live[id] = worker
            guard !state.stopped, generation == state.generation else { return (nil, true) }
            state.slots[id] = .init(worker: worker)
            return (state.offer(id), false)
        }
        waiter?.grant(id)
        if stopNow { stopWorker(worker) }
        logger.debug("worker started", metadata: ["fastcgi": "\(name)", "pid": "\(worker.pid)"])
        perform { [self] in await supervise(worker) }
    }

    func stopWorker(_ worker: WorkerProcess) {
        worker.stop(grace: configuration.killGrace)
    }

    /// Waits for the worker's exit; an exit nobody asked for is a crash
    /// unless it was clean (php-cgi leaves with status 0 after
    /// PHP_FCGI_MAX_REQUESTS requests).
    private func supervise(_ worker: WorkerProcess) async {
        let cost = await worker.waitForCost()
        let exit = cost.exit
        state.withLock { state in
            _ = state.remove(worker.id)
            state.live[worker.id] = nil
        }
        RunCosts.shared.record(cost, for: RunCosts.Key(.worker, name))
        var metadata: Logger.Metadata = ["fastcgi": "\(name)", "pid": "\(worker.pid)"]
        for (field, value) in cost.fields { metadata[field] = "\(value)" }
        let exitCode = exit.exitCode ?? 0, signal = exit.signal ?? 0
        guard !worker.wasStopped, signal != 0 || exitCode != 0 else {
            // Its lifetime's cost: stopped by the pool (idle, retired, a
            // reload), or left cleanly by itself (php-cgi after
            // PHP_FCGI_MAX_REQUESTS).
            logger.log(level: worker.wasStopped ? .debug : .info, worker.wasStopped ? "worker stopped" : "worker exited", metadata: metadata)
            replenish()
            return
        }
        let how = signal != 0 ? "was killed by signal \(signal)" : "exited with status \(exitCode)"
        let output = worker.output.text
        let limit = worker.limits.verdict(for: exit)
        metadata["last_output"] = "\(output)"
        metadata["limit"] = "\(limit)"
        logger.error("worker \(how)", metadata: metadata)
        observer?.workerCrashed(pool: name, pid: worker.pid, how: how + (limit == "none" ? "" : " (its \(limit) limit)"), lastOutput: worker.output.last)
        crashed(reason: "worker \(how)" + (limit == "none" ? "" : " (its \(limit) limit)") + (output.isEmpty ? "" : "; its last output: \(output)"))
    }

    /// Counts a crash: a restart after a backoff, or the pool fails.
    private func crashed(reason: String) {
        let (failed, waiters, recent) = state.withLock { state -> (Bool, [WaitingQueue<Void, Int>.Turn], Int) in
            guard !state.stopped else { return (false, [], 0) }
            let loop = state.recordCrash(limit: configuration.crashLimit, window: configuration.crashWindow)
            guard loop else { return (false, [], state.crashes.count) }
            state.failure = "\(state.crashes.count) crashes within \(configuration.crashWindow); the last: \(reason)"
            return (true, state.takeWaiters(), state.crashes.count)
        }
        for waiter in waiters { waiter.refuse() }
        if failed {
            logger.critical("worker pool failed: crash loop; it stays failed until reloaded (SIGHUP or a new program file)", metadata: [
                "fastcgi": "\(name)", "reason": "\(reason)",
            ])
            return
        }
        let restarts = replenish(after: configuration.restartDelay(afterCrashes: recent))
        for _ in 0..<restarts { observer?.workerRestarted(pool: name) }
    }

    /// Starts workers until the minimum runs and every waiter has one
    /// coming; returns how many it starts.
    @discardableResult
    func replenish(after delay: Duration = .zero) -> Int {
        let shortfall = state.withLock { state -> Int in
            let shortfall = state.shortfall(minimum: configuration.minProcesses, maximum: configuration.maxProcesses)
            state.starting += shortfall
            return shortfall
        }
        for _ in 0..<shortfall { perform { [self] in try? await startWorker(after: delay) } }
        return shortfall
    }

    /// Once a second, while the pool runs: idle workers above the minimum
    /// stop after the idle timeout; a changed program file reloads the
    /// pool. An event-loop timer rather than a sleeping task, so that a
    /// stopping pool has no sleep to wait out.
    func housekeeping() -> RepeatedTask {
        MultiThreadedEventLoopGroup.singleton.any().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [self] _ in
            guard !state.withLock({ $0.stopped }) else { return }
            reapIdle()
            if configuration.reloadOnChange, programChanged() {
                logger.notice("program file changed", metadata: ["fastcgi": "\(name)", "program": "\(configuration.command[0])"])
                reload()
            }
        }
    }

    private func reapIdle() {
        let now = ContinuousClock.now
        let idle = state.withLock { state -> [WorkerProcess] in
            var reaped: [WorkerProcess] = []
            while state.slots.count > configuration.minProcesses, let oldest = state.idle.first,
                let slot = state.slots[oldest], now - slot.idleSince > configuration.idleTimeout
            {
                if let removed = state.remove(oldest) { reaped.append(removed.worker) }
            }
            return reaped
        }
        for worker in idle { stopWorker(worker) }
    }
}
