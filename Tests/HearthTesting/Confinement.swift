#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HearthProcess

/// What a test of `limits:` needs from the host.
public enum Confinement {
    /// Root, and both the memory and the pids controllers where this
    /// process's groups are (as in CI): the control-group tests run.
    public static let controlGroups: Bool = {
        let groups = ControlGroups()
        return getuid() == 0 && ProcessSpawner.canConfine && groups.offers("memory") && groups.offers("pids")
    }()

    /// Whether a directory (a control group removed at shutdown) exists.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The contents of a small file, trimmed; nil if unreadable.
    public static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var text = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), file) != nil { text += String(cString: buffer) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
