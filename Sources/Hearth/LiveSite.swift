import HearthHTTP
import HearthWorkers
import Logging
import ServiceLifecycle
import Synchronization

/// The site the server answers with, replaceable while it serves (a
/// SIGHUP reload): each request is answered by the site that was current
/// when it arrived, to its end, so a reload never changes the rules under
/// a request in flight; the next request gets the new site. A replaced
/// site is retired (its pools stopped, its control groups removed) once
/// its last request has finished.
public final class LiveSite: Responder, Sendable {
    private let generation: Mutex<SiteGeneration>
    /// One reload at a time; a SIGHUP during a reload waits its turn.
    private let reloading = ReloadQueue()
    /// The retirements of replaced sites still under way.
    private let retiring = Mutex<[Task<Void, Never>]>([])
    /// The service group `run` serves in: a new site's pools join it.
    let serviceGroup = Mutex<ServiceGroup?>(nil)

    public init(_ site: Site) {
        generation = Mutex(SiteGeneration(site: site, number: 1))
    }

    /// The site new requests get.
    public var current: Site { generation.withLock { $0.site } }
    /// 1 for the site the server started with, one more for each reload.
    public var number: Int { generation.withLock { $0.number } }

    public func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        let serving = generation.withLock { $0.enter() }
        defer { serving.leave() }
        try await serving.site.respond(to: request, writer: writer)
    }

    /// Starts `site` (warm-ups, pools) and makes it current; the previous
    /// site is retired in the background once its requests are done.
    /// A site that fails to start is shut down again and the error thrown:
    /// the current site stays, unchanged.
    public func replace(with site: Site, logger: Logger) async throws {
        try await reloading.one {
            do {
                try await site.start(logger: logger)
            } catch {
                await site.retire()
                throw error
            }
            await runServices(of: site)
            let replaced = generation.withLock { current in
                defer { current = SiteGeneration(site: site, number: current.number + 1) }
                return current
            }
            let retirement = Task {
                await replaced.drained()
                await replaced.site.retire()
                logger.debug("configuration \(replaced.number) retired: its last request finished")
            }
            retiring.withLock { $0.append(retirement) }
        }
    }

    /// A new site's pools join the server's service group; they return
    /// when the site is retired, which the group takes as their end, not
    /// its own.
    private func runServices(of site: Site) async {
        guard let workers = site.workers, let group = serviceGroup.withLock({ $0 }) else { return }
        await group.addServiceUnlessShutdown(Self.retirable(workers))
    }

    /// A site's pools as a service of the group: their `run()` returns
    /// when the site is retired, which ends neither the group nor the
    /// server.
    static func retirable(_ workers: WorkerPools) -> ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: workers, successTerminationBehavior: .ignore)
    }

    /// The first site has started: reloads may run.
    func started() async {
        await reloading.open()
    }

    /// Returns once every replaced site is retired.
    func retirements() async {
        for retirement in retiring.withLock({ $0 }) { await retirement.value }
    }
}

/// One site and the requests it is answering.
final class SiteGeneration: Sendable {
    let site: Site
    let number: Int
    private let state = Mutex<(inFlight: Int, waiting: CheckedContinuation<Void, Never>?)>((0, nil))

    init(site: Site, number: Int) {
        self.site = site
        self.number = number
    }

    /// Counts a request in; called under the live site's lock, so no
    /// request enters a generation after it was replaced.
    func enter() -> SiteGeneration {
        state.withLock { $0.inFlight += 1 }
        return self
    }

    func leave() {
        let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.inFlight -= 1
            guard state.inFlight == 0, let waiting = state.waiting else { return nil }
            state.waiting = nil
            return waiting
        }
        waiting?.resume()
    }

    /// Returns once no request of this generation is in flight; a
    /// generation is asked only after it was replaced, so none enters.
    func drained() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                guard state.inFlight > 0 else { return true }
                state.waiting = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// Runs reloads one after another, in the order they were asked for, and
/// none before the server's first site has started (`open`): a SIGHUP
/// during start-up waits for it rather than racing it.
actor ReloadQueue {
    private var running = true
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func open() {
        running = false
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }

    func one(_ body: @Sendable () async throws -> Void) async throws {
        while running { await withCheckedContinuation { waiting.append($0) } }
        running = true
        defer {
            running = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        try await body()
    }
}
