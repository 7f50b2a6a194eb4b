import Hearth
import HearthHTTP
import Logging
import Synchronization

/// SIGHUP: the configuration is read again, from the same file with the
/// same flags, and checked whole. A bad one changes nothing: the server
/// goes on with the configuration it has and the log says why. A good one
/// becomes a new site — virtual hosts, mounts, scripts' settings and
/// limits, auth files, pools — started beside the old one and then swapped in at once:
/// requests in flight finish on the configuration they started with, new
/// ones get the new one (`LiveSite`).
///
/// The TLS listeners' certificate files, and the virtual hosts', are read
/// again; a certificate that cannot serve keeps the old one. Certificates
/// the new file names (another path, a host added with its own, a TLS
/// listener added) are read and checked before anything changes: one that
/// cannot serve fails the reload, naming its key (`SiteTLS`). Listeners
/// added to `listen:` (or a changed `server.host`/`port`) are bound, TLS
/// ones with their certificates, and those removed stop accepting
/// (`HTTPServer.rebind`); one that cannot be bound leaves the listeners as
/// they were and says why.
///
/// What lives as long as the process is not reloaded, and a change to it
/// is logged as waiting for a restart: the HTTP limits and the trusted
/// proxies (`server`), the logs, the sessions
/// (their store holds the users' sessions), and the admin listener (its
/// counts carry over: the new site counts into the same `Monitoring`). A
/// change to `run_as` or its minimums refuses the
/// reload: the privileged spawner took its orders at start-up, as root.
final class ConfigurationReload: Sendable {
    let options: SiteOptions
    let user: String?
    let live: LiveSite
    let server: HTTPServer
    /// What the admin listener shows, when it is on.
    let monitoring: Monitoring?
    let logger: Logger
    let tls: SiteTLS
    /// The configuration the current site was built from.
    private let applied: Mutex<HearthConfiguration>

    init(
        options: SiteOptions, user: String?, live: LiveSite, server: HTTPServer, applied: HearthConfiguration, monitoring: Monitoring?, tls: SiteTLS,
        logger: Logger
    ) {
        self.server = server
        self.tls = tls
        self.options = options
        self.user = user
        self.live = live
        self.monitoring = monitoring
        self.applied = Mutex(applied)
        self.logger = logger
    }

    func reload() async {
        let source = options.config ?? "the command line"
        logger.info("SIGHUP: reloading the configuration from \(source)")
        tls.reload(logger: logger)
        do {
            var configuration = try options.configuration(user: user)
            // Sockets systemd passed at start-up are still the ones served.
            configuration.server.inheritedSockets = applied.withLock { $0.server.inheritedSockets }
            DefaultDirectories.skipMissing(in: &configuration, logger: logger)
            // Every certificate read and checked before the site changes.
            let certificates = try tls.prepare(configuration)
            let site = try await build(configuration)
            try await live.replace(with: site, logger: logger)
            monitoring?.configurationLoaded(from: configuration.file)
            var kept = configuration
            if await !rebind(to: configuration, certificates) { kept.server.keepListeners(of: applied.withLock { $0.server }) }
            tls.install(certificates, served: kept.server.servedListeners, logger: logger)
            let before = applied.withLock { applied in defer { applied = kept }; return applied }
            for setting in Self.waitingForRestart(before, kept) {
                logger.warning("reload: \(setting) changed; it takes effect at the next restart")
            }
            logger.info("reload: configuration \(live.number) serves from now on; requests in flight finish on the one they started with")
            site.logMounts(logger)
        } catch {
            logger.error("reload failed, still serving configuration \(live.number): \(error)")
        }
    }

    /// The new configuration's listeners served, if they changed; false
    /// when they cannot be (the old ones stay, and the log says why).
    private func rebind(to configuration: HearthConfiguration, _ certificates: SiteTLS.Prepared) async -> Bool {
        let listeners = configuration.server.servedListeners
        guard listeners != applied.withLock({ $0.server.servedListeners }), configuration.server.inheritedSockets.isEmpty else { return true }
        do {
            let logger = self.logger
            let (added, removed) = try await server.rebind(to: listeners) { certificates.security(for: $0, logger: logger) }
            for url in added { logger.info("reload: now also listening on \(url)") }
            for url in removed { logger.info("reload: no longer listening on \(url); its connections finish") }
            return true
        } catch {
            logger.error("reload: listen not applied, still listening as before: \(error)")
            return false
        }
    }

    /// The new site, with the running site's sessions.
    private func build(_ configuration: HearthConfiguration) async throws -> Site {
        var builder = SiteBuilder(configuration: configuration)
        builder.sessions = live.current.sessions
        builder.monitoring = monitoring
        let site = try builder.build(logger: logger)
        guard site.runAsPolicies == live.current.runAsPolicies else {
            await site.retire()
            throw ReloadRefusal(description: "run_as (or min_uid, min_gid) changed: the privileged spawner took its orders at start-up, as root; restart Hearth to apply it")
        }
        return site
    }

    /// The settings that differ between `old` and `new` but are not reloaded.
    static func waitingForRestart(_ old: HearthConfiguration, _ new: HearthConfiguration) -> [String] {
        var changed: [String] = []
        if old.server.apartFromListeners != new.server.apartFromListeners { changed.append("server (HTTP limits, user, trusted_proxies)") }
        if old.accessLog != new.accessLog { changed.append("access_log") }
        if old.errorLog != new.errorLog { changed.append("error_log") }
        if old.accessLogFormat != new.accessLogFormat { changed.append("access_log_format") }
        if old.logLevel != new.logLevel { changed.append("log_level") }
        if old.sessions != new.sessions { changed.append("sessions") }
        if adminChanged(old.admin, new.admin) { changed.append("admin (the admin listener)") }
        return changed
    }

    /// The admin listener is made once, at start-up: its address, its
    /// clients, its having auth or not (an htpasswd file it names is read
    /// again whenever the file changes, reload or not).
    private static func adminChanged(_ old: AdminConfiguration?, _ new: AdminConfiguration?) -> Bool {
        guard let old, let new else { return (old == nil) != (new == nil) }
        return old.host != new.host || old.port != new.port || old.allow != new.allow
            || old.auth?.realm != new.auth?.realm || (old.auth == nil) != (new.auth == nil)
    }
}

struct ReloadRefusal: Error, CustomStringConvertible {
    var description: String
}

extension HTTPServerConfiguration {
    /// The listening addresses of `served`: a rebind that failed.
    fileprivate mutating func keepListeners(of served: HTTPServerConfiguration) {
        listeners = served.listeners
        host = served.host
        port = served.port
    }

    /// Everything but the listening addresses, which a reload rebinds.
    fileprivate var apartFromListeners: HTTPServerConfiguration {
        var settings = self
        settings.listeners = []
        settings.host = ""
        settings.port = 0
        return settings
    }
}
