import ArgumentParser
import Foundation
import Hearth
import HearthHTTP
import Logging

/// Only the executable bootstraps logging (STYLE.md 8): errors and notices
/// to standard error, access lines to standard output or a file.
enum Logging {
    static func bootstrap(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "hearth")
    }

    static func accessLog(_ destination: String?, origin: ConfigurationOrigin) throws -> (any AccessLogSink)? {
        guard let destination else { return nil }
        if destination == "-" { return FileAccessLog(descriptor: 1) }
        guard let sink = FileAccessLog(path: destination) else {
            throw origin.error("cannot open \(destination) for appending: \(String(cString: strerror(errno)).lowercased())")
        }
        return sink
    }
}
