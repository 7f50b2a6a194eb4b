import Foundation
import Logging

/// Loggers for tests: silent while tests pass, so that a failure stands
/// out; `HEARTH_TEST_LOG=LEVEL` (`debug`, `info`, `notice`, …) prints the
/// servers' logs at that level to standard error, for a test being
/// investigated. A test that asserts on log lines captures them with
/// `LogCapture` instead.
public enum TestLog {
    public static func logger(_ label: String = "hearth.test") -> Logger {
        guard let level = printedLevel else { return Logger(label: label) { _ in SwiftLogNoOpLogHandler() } }
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }

    static let printedLevel: Logger.Level? = ProcessInfo.processInfo.environment["HEARTH_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) }
}
