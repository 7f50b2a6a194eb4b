/// One key a mapping in the config file may hold, and where its value goes.
/// A section is a table of these, so the keys that are read and the keys an
/// error message lists as allowed cannot drift apart.
struct ConfigurationKey<Target>: Sendable {
    let name: String
    let store: @Sendable (inout Target, ConfigurationNode) throws -> Void

    init(_ name: String, store: @escaping @Sendable (inout Target, ConfigurationNode) throws -> Void) {
        self.name = name
        self.store = store
    }
}

extension ConfigurationNode {
    /// Reads this mapping into `target`: each key present overwrites one
    /// field, absent keys keep their defaults, unknown keys are errors.
    func read<Target>(into target: inout Target, keys: [ConfigurationKey<Target>]) throws {
        for entry in try entries() {
            guard let key = keys.first(where: { $0.name == entry.name }) else {
                let allowed = keys.map(\.name).joined(separator: ", ")
                throw entry.key.error("unknown key \"\(entry.name)\"; allowed keys are \(allowed)")
            }
            try key.store(&target, entry.value)
        }
    }

    /// Reads a mapping into a fresh value that starts from its defaults.
    func read<Target>(_ initial: Target, keys: [ConfigurationKey<Target>]) throws -> Target {
        var target = initial
        try read(into: &target, keys: keys)
        return target
    }
}
