#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The private directory (mode 0700, under TMPDIR) that holds the workers'
/// Unix sockets, so no other user can connect to a worker. Made when the
/// first worker starts, so a site without workers leaves nothing behind.
public final class WorkerSockets: Sendable {
    private struct State {
        var directory: String?
        var pools: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The directory, once a worker has been started.
    public var directory: String? { state.withLock { $0.directory } }

    /// A short path per pool and worker (a Unix socket path has at most
    /// 107 bytes, so pools are numbered, not named).
    func path(pool: String, worker: Int) throws -> String {
        try state.withLock { state in
            let directory = try state.directory ?? Self.makeDirectory()
            state.directory = directory
            let number = state.pools[pool] ?? state.pools.count + 1
            state.pools[pool] = number
            return "\(directory)/p\(number)w\(worker).sock"
        }
    }

    private static func makeDirectory() throws -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/hearth-\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw WorkerStartError(reason: "cannot create a socket directory under \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    /// Removes the directory and any socket left in it.
    public func remove() {
        guard let directory = state.withLock({ state in defer { state.directory = nil }; return state.directory }) else { return }
        for name in directoryEntries(directory) { unlink("\(directory)/\(name)") }
        rmdir(directory)
    }
}

/// The names in `directory`, without "." and ".."; empty if it cannot be read.
func directoryEntries(_ directory: String) -> [String] {
    guard let entries = opendir(directory) else { return [] }
    defer { closedir(entries) }
    var names: [String] = []
    while let entry = readdir(entries) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}
