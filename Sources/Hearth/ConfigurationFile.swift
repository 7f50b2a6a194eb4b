// TEMPORARY until the YAML loader lands.
public enum ConfigurationFile {
    public static func load(path: String) throws -> HearthConfiguration {
        throw ConfigurationError(key: "config", message: "config files are not supported yet", position: nil)
    }
}
