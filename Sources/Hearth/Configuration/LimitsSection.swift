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
        .init("cpu_quota") { $0.cpuQuotaPercent = try percent($1) },
    ]

    static func read(_ node: ConfigurationNode) throws -> ProcessLimits {
        try node.read(ProcessLimits(), keys: keys)
    }

    /// `50%` of one CPU, `150%`, or a number of CPUs (`0.5`, `2`): whole
    /// percent, at least 1 % (the kernel's smallest quota is 1 ms of 100).
    private static func percent(_ node: ConfigurationNode) throws -> Int {
        let text = try node.text(expecting: "a share of CPU such as 50% or 0.5")
        let percent: Double? = text.hasSuffix("%") ? Double(text.dropLast()) : Double(text).map { $0 * 100 }
        guard let percent, percent.isFinite, percent >= 1, percent <= 100_000, percent == percent.rounded() else {
            throw node.error("expected a share of CPU of at least 1% in whole percent, such as 50%, 150% or 0.5, found \(node.found)")
        }
        return Int(percent)
    }

    /// RLIMIT_CPU counts whole seconds: `30`, `30s`, `2m`.
    private static func wholeSeconds(_ node: ConfigurationNode) throws -> Int {
        let duration = try node.duration(atLeast: .nanoseconds(1))
        let (seconds, attoseconds) = duration.components
        guard attoseconds == 0 else { throw node.error("must be a whole number of seconds (RLIMIT_CPU counts seconds), found \(node.found)") }
        return Int(seconds)
    }
}
