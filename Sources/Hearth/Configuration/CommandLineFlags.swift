import Foundation
import Yams

/// `hearth serve`'s flags, read by the rules of the config file's keys they
/// stand for, with the same messages: `--port 99999` is refused as
/// `server.port: 99999` is ("must be at most 65535"), never wrapped to a
/// port nobody asked for.
public struct CommandLineFlags: Sendable {
    public var host: String?
    public var port: String?
    public var cgiBin: String?
    public var root: String?
    public var user: String?

    public init(host: String? = nil, port: String? = nil, cgiBin: String? = nil, root: String? = nil, user: String? = nil) {
        self.host = host
        self.port = port
        self.cgiBin = cgiBin
        self.root = root
        self.user = user
    }

    /// Sets each given flag over `configuration` (a file's, or the
    /// defaults), and records the flag as the origin of the paths it sets,
    /// so a later error names `--root`, not a config key nobody wrote.
    public func apply(to configuration: inout HearthConfiguration) throws {
        if (host != nil || port != nil) && !configuration.server.listeners.isEmpty {
            throw ConfigurationError(key: host != nil ? "--host" : "--port", message: "the config file has listen:; give the listeners there, not --host or --port", position: nil)
        }
        if (cgiBin != nil || root != nil) && !configuration.hosts.isEmpty {
            throw ConfigurationError(key: cgiBin != nil ? "--cgi-bin" : "--root", message: "the config file has hosts:; give each host's mounts there, not --cgi-bin or --root", position: nil)
        }
        if let host { configuration.server.host = try ServerSection.ipAddress(Self.node(host, flag: "--host")) }
        if let port { configuration.server.port = try Self.node(port, flag: "--port").integer(in: 0...65535) }
        if let user {
            configuration.server.user = try ServerSection.accountName(Self.node(user, flag: "--user"))
            configuration.origins["server.user"] = ConfigurationOrigin(key: "--user")
        }
        if let cgiBin {
            if configuration.cgiMounts.isEmpty { configuration.cgiMounts = [.init()] }
            configuration.cgiMounts[0].directory = try Self.node(cgiBin, flag: "--cgi-bin").path()
            configuration.origins["cgi[0].directory"] = ConfigurationOrigin(key: "--cgi-bin")
        }
        if let root {
            if configuration.staticMounts.isEmpty { configuration.staticMounts = [.init()] }
            configuration.staticMounts[0].root = try Self.node(root, flag: "--root").path()
            configuration.origins["static[0].root"] = ConfigurationOrigin(key: "--root")
        }
    }

    /// A flag's value as a plain YAML scalar keyed by the flag's name.
    private static func node(_ value: String, flag: String) -> ConfigurationNode {
        let source = ConfigurationNode.Source(file: "command line", baseDirectory: FileManager.default.currentDirectoryPath)
        return ConfigurationNode(node: .scalar(.init(value, .implicit, .plain)), keyPath: flag, source: source)
    }
}

/// Where a setting came from: the key or flag to name in an error, and for
/// a config file, the file, line and column.
public struct ConfigurationOrigin: Sendable {
    public var key: String
    public var file: String?
    public var line: Int
    public var column: Int

    public init(key: String, file: String? = nil, line: Int = 0, column: Int = 0) {
        self.key = key
        self.file = file
        self.line = line
        self.column = column
    }

    /// An error about this setting.
    public func error(_ message: String) -> ConfigurationError {
        ConfigurationError(key: key, message: message, position: file.map { (file: $0, line: line, column: column) })
    }
}
