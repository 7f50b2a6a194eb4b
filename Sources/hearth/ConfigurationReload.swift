import Hearth
import HearthHTTP
import Logging
import Synchronization

/// SIGHUP: the configuration is read again, from the same file with the
/// same flags, and checked whole. A bad one changes nothing: the server
/// goes on with the configuration it has and the log says why. A good one
/// becomes a new site — mounts, scripts' settings and limits, auth files,
/// pools — started beside the old one and then swapped in at once:
/// requests in flight finish on the configuration they started with, new
/// ones get the new one (`LiveSite`).
///
/// What lives as long as the process is not reloaded, and a change to it
/// is logged as waiting for a restart: the listening address and the HTTP
/// limits (`server`), the logs, and the sessions (their store holds the
/// users' sessions). A change to `run_as` or its minimums refuses the
/// reload: the privileged spawner took its orders at start-up, as root.
final class ConfigurationReload: Sendable {
    let options: SiteOptions
    let user: String?
    let live: LiveSite
    let logger: Logger
    /// The configuration the current site was built from.
    private let applied: Mutex<HearthConfiguration>

    init(options: SiteOptions, user: String?, live: LiveSite, applied: HearthConfiguration, logger: Logger) {
        self.options = options
        self.user = user
        self.live = live
        self.applied = Mutex(applied)
        self.logger = logger
    }

    func reload() async {
        let source = options.config ?? "the command line"
        logger.info("SIGHUP: reloading the configuration from \(source)")
        do {
            var configuration = try options.configuration(user: user)
            DefaultDirectories.skipMissing(in: &configuration, logger: logger)
            let site = try build(configuration)
            try await live.replace(with: site, logger: logger)
            let before = applied.withLock { applied in defer { applied = configuration }; return applied }
            for setting in Self.waitingForRestart(before, configuration) {
                logger.warning("reload: \(setting) changed; it takes effect at the next restart")
            }
            logger.info("reload: configuration \(live.number) serves from now on; requests in flight finish on the one they started with")
            site.logMounts(logger)
        } catch {
            logger.error("reload failed, still serving configuration \(live.number): \(error)")
        }
    }

    /// The new site, with the running site's sessions.
    private func build(_ configuration: HearthConfiguration) throws -> Site {
        var builder = SiteBuilder(configuration: configuration)
        builder.sessions = live.current.sessions
        let site = try builder.build(logger: logger)
        guard site.runAsPolicies == live.current.runAsPolicies else {
            Task { await site.retire() }
            throw ReloadRefusal(description: "run_as (or min_uid, min_gid) changed: the privileged spawner took its orders at start-up, as root; restart Hearth to apply it")
        }
        return site
    }

    /// The settings that differ between `old` and `new` but are not reloaded.
    static func waitingForRestart(_ old: HearthConfiguration, _ new: HearthConfiguration) -> [String] {
        var changed: [String] = []
        if old.server != new.server { changed.append("server (listening address, HTTP limits, user)") }
        if old.accessLog != new.accessLog { changed.append("access_log") }
        if old.accessLogFormat != new.accessLogFormat { changed.append("access_log_format") }
        if old.logLevel != new.logLevel { changed.append("log_level") }
        if old.sessions != new.sessions { changed.append("sessions") }
        return changed
    }
}

struct ReloadRefusal: Error, CustomStringConvertible {
    var description: String
}
