#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The root process that starts `run_as` scripts and workers (being
/// written: the spawn and policy follow).
public final class PrivilegedSpawner: Sendable {
    private static let installed = Mutex<PrivilegedSpawner?>(nil)
    /// The spawner of this server, once started.
    public static var current: PrivilegedSpawner? { installed.withLock { $0 } }

    func signal(group: pid_t, _ signal: Int32) {}
}
