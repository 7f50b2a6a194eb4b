import ServiceLifecycle

/// A pool is a service of the server's group (through `WorkerPools`): its
/// workers' starts and their supervision are child tasks of `run()`, and
/// its housekeeping a timer `run()` holds, so a pool that has stopped has
/// nothing left running; the group's graceful shutdown, which reaches the
/// pools after the server (listed before it) has let its requests finish,
/// stops the workers.
extension WorkerPool: Service {
    public func run() async {
        let housekeeping = housekeeping()
        defer { housekeeping.cancel() }
        await withGracefulShutdownHandler {
            await tasks.run()
        } onGracefulShutdown: { [self] in
            tasks.add { [self] in await shutdown() }
        }
    }

    /// Runs `job` as a child task of `run()`.
    func perform(_ job: @escaping @Sendable () async -> Void) {
        tasks.add(job)
    }
}
