#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import Hearth
import HearthHTTP
import Logging
import Synchronization

/// Only the executable bootstraps logging (STYLE.md 8): errors and notices
/// to standard error, access lines to standard output or a file. Every
/// record made while a request is served carries its `request_id`
/// (`RequestID.metadataProvider`).
enum Logging {
    static func bootstrap(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap({ label, provider in
            var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
            handler.logLevel = level
            return handler
        }, metadataProvider: RequestID.metadataProvider)
        return Logger(label: "hearth")
    }
}

/// The log files of `hearth serve`: the access log (`access_log`: standard
/// output or a file) and the error log (`error_log`: standard error, or a
/// file put in its place). Opened before the server gives up root, so
/// `/var/log/hearth` may stay root's; opened again by `reopen` (SIGUSR1,
/// logrotate's `postrotate`; a whole-configuration reload may call it too).
final class LogFiles: Sendable {
    let access: (any AccessLogSink)?
    private let accessFile: FileAccessLog?
    private let errorLog: String?

    /// Standard error as hearth started with it, kept when `error_log`
    /// puts a file in its place: a failure to start is printed there.
    static let console = Mutex<Int32>(STDERR_FILENO)

    init(_ configuration: HearthConfiguration) throws {
        if let path = configuration.errorLog {
            let copy = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0)
            if copy >= 0 { Self.console.withLock { $0 = copy } }
            do {
                try Self.redirectStandardError(to: path)
            } catch {
                throw configuration.origin(of: "error_log").error(error.description)
            }
        }
        errorLog = configuration.errorLog
        access = try Self.accessLog(configuration.accessLog, origin: configuration.origin(of: "access_log"))
        accessFile = access as? FileAccessLog
    }

    /// Opens both files again at their paths: after logrotate moved them,
    /// lines go to new files there. A file that cannot be opened keeps
    /// its lines going to the old one; the error says which and why.
    func reopen() -> [LogReopenError] {
        var failures: [LogReopenError] = []
        do { try accessFile?.reopen() } catch { failures.append(error) }
        if let errorLog {
            do { try Self.redirectStandardError(to: errorLog) } catch { failures.append(error) }
        }
        return failures
    }

    /// Standard error becomes the file (dup2 onto descriptor 2, as nginx
    /// does), so everything written there lands in it: the log handler's
    /// records, and anything a library prints. Atomic for writers: each
    /// write goes to the old file or to the new one.
    private static func redirectStandardError(to path: String) throws(LogReopenError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LogReopenError(path: path, errno: errno) }
        defer { close(fd) }
        guard dup2(fd, STDERR_FILENO) >= 0 else { throw LogReopenError(path: path, errno: errno) }
    }

    private static func accessLog(_ destination: String?, origin: ConfigurationOrigin) throws -> (any AccessLogSink)? {
        guard let destination else { return nil }
        if destination == "-" { return FileAccessLog(descriptor: 1) }
        guard let sink = FileAccessLog(path: destination) else {
            throw origin.error(LogReopenError(path: destination, errno: errno).description)
        }
        return sink
    }
}
