/// How a store whose locks live in a database waits: it tries, and tries
/// again after a pause that grows from 2 ms to 50 ms, until the wait is
/// over. A database shared by several processes cannot wake a waiter in
/// another one; the short first pauses keep a released lock's hand-over
/// quick, the cap keeps a long wait cheap.
enum LockPolling {
    /// Runs `attempt` until it returns true or `wait` has passed; false then.
    static func poll(waitingAtMost wait: Duration, _ attempt: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + wait
        var pause = Duration.milliseconds(2)
        while true {
            if try await attempt() { return true }
            let now = ContinuousClock.now
            guard now < deadline else { return false }
            try await Task.sleep(for: min(pause, deadline - now))
            pause = min(pause * 2, .milliseconds(50))
        }
    }
}
