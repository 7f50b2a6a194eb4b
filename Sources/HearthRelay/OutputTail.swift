import Synchronization

/// The last lines a script or a worker wrote to stderr, bounded in lines
/// and in bytes, so the error-log record of a failed run can say why it
/// failed (the traceback's last lines, `Can't locate DBI.pm`) without
/// anyone reading back through the log, and without a chatty script
/// growing the record: 10 lines, 2 KiB at most, the newest kept.
package final class OutputTail: Sendable {
    private let lines = Mutex<[String]>([])
    private let maxLines: Int
    private let maxBytes: Int

    package init(maxLines: Int = 10, maxBytes: Int = 2048) {
        self.maxLines = maxLines
        self.maxBytes = maxBytes
    }

    package func append(_ line: String) {
        let kept = line.utf8.count > maxBytes ? String(decoding: line.utf8.suffix(maxBytes), as: UTF8.self) : line
        lines.withLock { lines in
            lines.append(kept)
            var bytes = lines.reduce(0) { $0 + $1.utf8.count }
            while lines.count > maxLines || (bytes > maxBytes && lines.count > 1) {
                bytes -= lines.removeFirst().utf8.count
            }
        }
    }

    /// The lines kept, oldest first.
    package var last: [String] { lines.withLock { $0 } }

    /// The lines kept as one log value, ` | ` between them (an error-log
    /// record is one line).
    package var text: String { last.joined(separator: " | ") }
}
