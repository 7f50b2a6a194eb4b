/// Meeting points for live tests, so that readiness is an event the
/// handler reports, never a sleep.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        guard !isOpen else { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

/// Lets `count` arrivals through together; false for an arrival that
/// waited `timeout` without the others (they could not get in).
actor Barrier {
    private let count: Int
    private var arrived = 0
    private var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]

    init(count: Int) { self.count = count }

    func arrive(timeout: Duration = .seconds(10)) async -> Bool {
        arrived += 1
        let number = arrived
        if arrived >= count {
            for waiter in waiters.values { waiter.resume(returning: true) }
            waiters = [:]
            return true
        }
        return await withCheckedContinuation { continuation in
            waiters[number] = continuation
            Task {
                try? await Task.sleep(for: timeout)
                self.giveUp(number)
            }
        }
    }

    private func giveUp(_ number: Int) {
        waiters.removeValue(forKey: number)?.resume(returning: false)
    }
}
