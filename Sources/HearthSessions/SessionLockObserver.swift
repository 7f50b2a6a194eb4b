/// Told when a request waits for its session's lock (another request of
/// the same session holds it), and when it waited `lock_timeout` in vain
/// (503): the site's metrics adopt it (`Sessions.observer`).
public protocol SessionLockObserver: Sendable {
    func sessionLockWaited()
    func sessionLockTimedOut()
}
