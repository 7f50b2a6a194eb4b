import HearthProcess

/// The `limits:` mapping of a `cgi:` item, a `fastcgi:` pool and
/// `fcgi_scripts:` → `ProcessLimits`. Which keys need a control group is
/// decided at start-up (`SiteLimits`), not here.
enum LimitsSection {
    static let keys: [ConfigurationKey<ProcessLimits>] = [
        .init("cpu") { $0.cpuSeconds = try wholeSeconds($1) },
        .init("memory") { $0.memoryBytes = try $1.size(in: 1...Int.max) },
        .init("processes") { $0.processes = try $1.integer(in: 1...Int.max) },
        .init("open_files") { $0.openFiles = try $1.integer(in: 1...Int.max) },
        .init("file_size") { $0.fileSizeBytes = try $1.size(in: 1...Int.max) },
        .init("core") { $0.coreBytes = try $1.size(in: 0...Int.max) },
    ]

    static func read(_ node: ConfigurationNode) throws -> ProcessLimits {
        try node.read(ProcessLimits(), keys: keys)
    }

    /// RLIMIT_CPU counts whole seconds: `30`, `30s`, `2m`.
    private static func wholeSeconds(_ node: ConfigurationNode) throws -> Int {
        let duration = try node.duration(atLeast: .nanoseconds(1))
        let (seconds, attoseconds) = duration.components
        guard attoseconds == 0 else { throw node.error("must be a whole number of seconds (RLIMIT_CPU counts seconds), found \(node.found)") }
        return Int(seconds)
    }
}
