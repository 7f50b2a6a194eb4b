import Foundation

/// Facts about processes, read from /proc, for proving that scripts are
/// gone and nothing leaked.
public enum Processes {
    /// True while `pid` exists (and is not a zombie).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return state(of: stat) != "Z"
    }

    /// Waits until `pid` is gone, polling /proc, for at most `seconds`.
    /// Returns whether it went.
    public static func waitUntilGone(_ pid: Int32, seconds: Double = 10) async -> Bool {
        await eventually(seconds: seconds) { !isAlive(pid) }
    }

    /// Waits until `pid` no longer exists at all, not even as a zombie:
    /// its parent reaped it. Returns whether it went within `seconds`.
    public static func waitUntilReaped(_ pid: Int32, seconds: Double = 10) async -> Bool {
        await eventually(seconds: seconds) { !FileManager.default.fileExists(atPath: "/proc/\(pid)") }
    }

    /// Polls `condition` for up to `seconds`: a bounded readiness check.
    public static func eventually(seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// `eventually` for a condition that must ask over the network (a
    /// server in another process, scraped until it shows what it counted).
    public static func eventually(seconds: Double = 10, asking condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    /// Sends SIGKILL to each of `pids` still alive and returns those that
    /// were: the teardown of a test whose processes should be gone already,
    /// so that a broken kill sequence fails the test instead of leaving
    /// them behind (or holding the request, and the server's stop, open).
    @discardableResult
    public static func killSurvivors(_ pids: [Int32]) -> [Int32] {
        let alive = pids.filter(isAlive)
        for pid in alive { kill(pid, SIGKILL) }
        return alive
    }

    /// Reads a pid that a script wrote to `path`, waiting for the file.
    public static func readPid(at path: String, seconds: Double = 10) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Children of `parent` (default: this process) that are zombies:
    /// exited, not reaped.
    public static func zombieChildren(of parentPid: Int32 = getpid()) -> [Int32] {
        children(of: parentPid).filter { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)).flatMap(state) == "Z"
        }
    }

    /// Every child process of `parent`.
    public static func children(of parentPid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return parent(of: stat) == parentPid
        }
    }

    /// The open descriptors of `pid` a leak could hold: all but timerfds.
    /// libdispatch (under Swift concurrency's sleeps and Dispatch timers)
    /// opens a timerfd per clock while any timer of that clock is pending
    /// and closes it when none is, so their number follows the timers in
    /// flight, not what the server keeps.
    public static func leakableDescriptorCount(of pid: Int32) -> Int {
        descriptorTargets(of: pid).filter { !$0.hasSuffix("anon_inode:[timerfd]") }.count
    }

    /// What each open descriptor of `pid` refers to, for failure messages.
    public static func descriptorTargets(of pid: Int32) -> [String] {
        let directory = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.sorted().map { "\($0) → " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0)) ?? "?") }
    }

    /// /proc/PID/stat: "pid (comm) S ppid ..."; comm may hold spaces.
    private static func fields(_ stat: String) -> [Substring] {
        guard let close = stat.lastIndex(of: ")") else { return [] }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    private static func state(of stat: String) -> String? { fields(stat).first.map(String.init) }
    private static func parent(of stat: String) -> Int32? { fields(stat).dropFirst().first.flatMap { Int32($0) } }
}
