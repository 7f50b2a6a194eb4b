import ArgumentParser
import Foundation
import Hearth
import HearthHTTP
import HearthProcess
import Logging
import ServiceLifecycle

/// `hearth serve`: with no arguments, ./cgi-bin at /cgi-bin/ and ./public at
/// / on 127.0.0.1:8080. Flags override the config file.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the site (the default command).",
        discussion: "Exit status: 0 after a graceful stop (SIGTERM, SIGINT), 1 when the server cannot start or fails, 64 for a wrong command line, 78 for a configuration error."
    )

    @OptionGroup var options: SiteOptions

    @Option(help: "Started as root: the user to become once the port is bound (server.user). Default: none.")
    var user: String?

    func run() async throws {
        do {
            try await serve()
        } catch let error as ConfigurationError {
            throw Failure(message: "\(error)", code: .configuration)
        } catch let error as ListenError {
            throw Failure(message: error.description, code: .failure)
        } catch let error as Site.WarmUpError {
            throw Failure(message: error.description, code: .failure)
        } catch let error as Site.RunAsError {
            throw Failure(message: error.description, code: .failure)
        }
    }

    private func serve() async throws {
        var configuration = try options.configuration(user: user)
        let logger = Logging.bootstrap(level: configuration.logLevel)
        // The logs, and their reopening, before anything listens: a SIGUSR1
        // from logrotate during start-up waits for this handler (HeldSignals).
        let logs = try LogFiles(configuration)
        let reopens = SignalAction(SIGUSR1, label: "reopen-logs") { Self.reopen(logs, logger: logger) }
        defer { reopens.cancel() }
        if let activation = SocketActivation.passed { try Self.listen(on: activation, configuration: &configuration, logger: logger) }
        DefaultDirectories.skipMissing(in: &configuration, logger: logger)
        let tls = try SiteTLS(configuration)
        let monitoring = configuration.admin.map { _ in MetricsBootstrap.start() }
        var builder = SiteBuilder(configuration: configuration)
        builder.monitoring = monitoring
        let live = LiveSite(try builder.build(logger: logger))
        let server = HTTPServer(
            configuration: configuration.server, responder: live, logger: logger, accessLog: logs.access,
            accessLogFormat: configuration.accessLogFormat, observer: monitoring?.serverObserver,
            security: tls.security(logger: logger)
        )
        let admin = try AdminListener.server(for: configuration, monitoring: monitoring, showing: live, servedBy: server, logger: logger)
        let systemd = SystemdNotifier.fromEnvironment().map { SystemdService(notifier: $0, server: server, live: live) }
        let reload = ConfigurationReload(
            options: options, user: user, live: live, server: server, applied: configuration, monitoring: monitoring, tls: tls, logger: logger
        )
        let reloads = SignalAction(SIGHUP, label: "reload") {
            Task {
                guard let systemd else { return await reload.reload() }
                await systemd.reloaded { await reload.reload() }
            }
        }
        defer { reloads.cancel() }
        let identity = ServerIdentity(configuration: configuration)
        let alongside: [any Service] = (systemd.map { [$0] } ?? []) + [tls.watch(logger: logger)]
        try await live.run(server, admin: admin, logger: logger, alongside: alongside) { try await identity.take(logger: logger) }
    }

    /// SIGUSR1: both log files opened again at their paths (logrotate's
    /// `postrotate`); one that cannot be keeps its old file, and says so.
    static func reopen(_ logs: LogFiles, logger: Logger) {
        let failures = logs.reopen()
        for failure in failures { logger.error("log not reopened, still writing to the old file", metadata: ["error": "\(failure)"]) }
        if failures.isEmpty { logger.info("logs reopened (SIGUSR1)") }
    }

    /// Socket activation: the server accepts on systemd's sockets and
    /// binds nothing itself; `server.host` and `server.port` are not used.
    static func listen(on activation: SocketActivation, configuration: inout HearthConfiguration, logger: Logger) throws {
        try activation.check()
        configuration.server.inheritedSockets = activation.descriptors
        let names = activation.names.isEmpty ? "" : " (\(activation.names.joined(separator: ", ")))"
        logger.info("socket activation: \(activation.descriptors.count) listening socket(s) from systemd\(names); server.host and server.port are not bound")
    }
}

/// Who the server is once its port is bound: `server.user` (and `group`),
/// taken for good when started as root; as root with no user, a warning
/// that every script and worker would run as root.
struct ServerIdentity {
    var user: String?
    var group: String?
    var origin: ConfigurationOrigin

    init(configuration: HearthConfiguration) {
        user = configuration.server.user
        group = configuration.server.group
        origin = configuration.origin(of: "server.user")
    }

    func take(logger: Logger) async throws {
        guard let user else {
            if Privileges.isRoot {
                logger.warning("running as root with no server.user: every script and worker runs as root (set server.user in the config, or --user)")
            }
            return
        }
        do {
            let identity = try Privileges.drop(to: user, group: group)
            logger.info("running as \(identity.user) (uid \(identity.uid), gid \(identity.gid))")
        } catch {
            throw origin.error("\(error)")
        }
    }
}

/// The sample mounts `hearth` serves with no configuration (`./cgi-bin`,
/// `./public`) are skipped with a warning when their directory is missing,
/// so `hearth` starts from any directory; a directory named by a flag or a
/// config file must exist (its origin is recorded), and its absence stays
/// an error.
enum DefaultDirectories {
    static func skipMissing(in configuration: inout HearthConfiguration, logger: Logger) {
        if configuration.origins["cgi[0].directory"] == nil, let mount = configuration.cgiMounts.first, !isDirectory(mount.directory) {
            logger.warning("no \(mount.directory) directory here: no CGI scripts are served (give --cgi-bin DIR)")
            configuration.cgiMounts.removeFirst()
        }
        if configuration.origins["static[0].root"] == nil, let mount = configuration.staticMounts.first, !isDirectory(mount.root) {
            logger.warning("no \(mount.root) directory here: no static files are served (give --root DIR)")
            configuration.staticMounts.removeFirst()
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}

/// An ordinary failure: one line on standard error, naming what went wrong,
/// and an exit status that says which kind (sysexits.h), never a usage
/// block (that is for a wrong command line) nor a crash.
struct Failure: Error, CustomStringConvertible {
    enum Code: Int32 {
        case failure = 1
        case configuration = 78  // EX_CONFIG
    }

    var message: String
    var code: Code
    var description: String { message }
}
