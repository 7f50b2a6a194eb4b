import Synchronization

/// Caps how many scripts run at once, overall and per script, so one hot
/// or stuck script cannot take every process slot (503 beyond).
public final class ScriptLimiter: Sendable {
    public let maxTotal: Int
    private let counts = Mutex<(total: Int, perScript: [String: Int])>((0, [:]))

    /// `maxTotal` defaults to 64.
    public init(maxTotal: Int = 64) {
        self.maxTotal = maxTotal
    }

    /// Takes a slot for `script`; false when a cap is reached.
    func acquire(_ script: String, perScriptLimit: Int) -> Bool {
        counts.withLock { counts in
            let current = counts.perScript[script, default: 0]
            guard counts.total < maxTotal, current < perScriptLimit else { return false }
            counts.total += 1
            counts.perScript[script] = current + 1
            return true
        }
    }

    func release(_ script: String) {
        counts.withLock { counts in
            counts.total -= 1
            let remaining = counts.perScript[script, default: 1] - 1
            counts.perScript[script] = remaining > 0 ? remaining : nil
        }
    }

    /// Scripts running now, for tests and the status page.
    public var running: Int { counts.withLock { $0.total } }
}
