import HearthProcess
import Logging

/// The `limits:` of the site's mounts and pools, checked against this
/// host once at start-up: each gets the control group its `memory` and
/// `processes` caps need, made now (as root, before privileges are
/// dropped). A limit that cannot be applied here is a configuration error
/// naming its key, never skipped.
struct SiteLimits {
    let configuration: HearthConfiguration
    let logger: Logger
    /// Where control groups are made: this process's own, unless a test
    /// gives another.
    let host: ControlGroupHost
    /// Made with the first group; the site removes them at shutdown.
    private(set) var groups: ControlGroups?
    private var warnedAboutCore = false
    /// False for a site that is only explained (`hearth explain`): its
    /// limits are checked, but no group is made.
    var makesGroups = true

    init(configuration: HearthConfiguration, logger: Logger, host: ControlGroupHost = ControlGroups.currentHost()) {
        self.configuration = configuration
        self.logger = logger
        self.host = host
    }

    /// `limits` as they will be applied to the processes of the mount or
    /// pool whose limits are at `key` (`cgi[0].limits`), and its group;
    /// `label` names the group's directory (`cgi-0`).
    mutating func prepare(_ limits: ProcessLimits, key: String, label: String) throws -> (ProcessLimits, ControlGroup?) {
        var limits = limits
        guard ProcessSpawner.canConfine else {
            if let refused = limits.configuredKeys.first {
                throw configuration.origin(of: "\(key).\(refused)").error(
                    "cannot be applied on this host: limits are set in the child, which needs Linux's clone3 on x86-64 (posix_spawn cannot set them)"
                )
            }
            // The default `core: 0` alone is not worth refusing every script for.
            if !warnedAboutCore {
                logger.warning("this host cannot set limits in a child (no clone3): scripts keep the server's core file size limit")
                warnedAboutCore = true
            }
            limits.coreBytes = nil
            return (limits, nil)
        }
        guard limits.needsControlGroup, makesGroups else { return (limits, nil) }
        let groups = self.groups ?? ControlGroups(host: host)
        self.groups = groups
        do {
            let group = try groups.makeGroup(label: label, limits: limits)
            logger.debug("control group made", metadata: ["limits": "\(key)", "paths": "\(group.paths)"])
            return (limits, group)
        } catch let error as ControlGroupError {
            throw configuration.origin(of: "\(key).\(error.key)").error("cannot be applied on this host: \(error.reason)")
        }
    }
}
