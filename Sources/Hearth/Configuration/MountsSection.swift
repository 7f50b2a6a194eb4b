import HearthProcess

/// The keys that say what a site serves — `cgi:`, `fastcgi:`, `static:`,
/// each item with its `auth:` — read into `SiteMounts` by the same table
/// at the top level and in each item of `hosts:`.
enum MountsSection {
    static let keys: [ConfigurationKey<SiteMounts>] = [
        .init("cgi") { mounts, node in
            let items = try node.items().map { try $0.read(AuthSection.Protected(mount: .init()), keys: AuthSection.keys(CGISection.keys)) }
            mounts.cgiMounts = items.map(\.mount)
            for item in items { mounts.authentication[item.mount.urlPath] = item.auth }
        },
        .init("fastcgi") { mounts, node in
            let items = try node.items().map(FastCGISection.read)
            mounts.fastCGIMounts = items.map(\.mount)
            for item in items { mounts.authentication[item.mount.urlPath] = item.auth }
        },
        .init("static") { mounts, node in
            let items = try node.items().map { try $0.read(AuthSection.Protected(mount: .init()), keys: AuthSection.keys(StaticSection.itemKeys)) }
            mounts.staticMounts = items.map(\.mount.files)
            for item in items {
                mounts.authentication[item.mount.files.urlPath] = item.auth
                mounts.documentRootScripts[item.mount.files.urlPath] = item.mount.scriptSettings
            }
        },
    ]

    /// Whether `holder` (the document, or an item of `hosts:`) lists any
    /// mount of its own.
    static func lists(in holder: ConfigurationNode) -> ConfigurationNode? {
        keys.lazy.compactMap { holder.child($0.name) }.first
    }

    /// What is checked once the whole file is read: each `run_as` looked up
    /// (against `min_uid`/`min_gid`), and no two mounts of `holder` at one URL.
    static func check(_ mounts: inout SiteMounts, in holder: ConfigurationNode, minimums: RunAsAccount.Minimums) throws {
        try RunAsSection.resolve(&mounts, in: holder, minimums: minimums)
        let cgiItems = try holder.child("cgi")?.items()
        let staticItems = try holder.child("static")?.items()
        let fastCGIItems = try holder.child("fastcgi")?.items()
        try MountURL.checkUnique(
            MountURL.claims(mounts.cgiMounts.map(\.urlPath), from: cgiItems, section: "cgi")
                + MountURL.claims(mounts.fastCGIMounts.map(\.urlPath), from: fastCGIItems, section: "fastcgi")
                    .enumerated().filter { mounts.fastCGIMounts[$0.offset].isMounted }.map(\.element)
                + MountURL.claims(mounts.staticMounts.map(\.urlPath), from: staticItems, section: "static")
        )
    }

    /// The settings of `holder`'s mounts checked only at start-up (a
    /// directory that must exist, limits the host must allow), by their
    /// key paths (`hosts[1].cgi[0].directory`).
    static func origins(in holder: ConfigurationNode) -> [ConfigurationNode] {
        var found: [ConfigurationNode] = []
        for (section, key) in [("cgi", "directory"), ("fastcgi", "directory"), ("fastcgi", "name"), ("static", "root"), ("static", "fallback")] {
            for item in (try? holder.child(section)?.items()) ?? [] {
                if let value = item.child(key) { found.append(value) }
            }
        }
        var limits: [ConfigurationNode] = []
        // A document root's interpreters, pools, sendfile and symlink roots.
        for item in (try? holder.child("static")?.items()) ?? [] {
            for entry in (try? item.child("scripts")?.entries()) ?? [] {
                found.append(ConfigurationNode(node: entry.value.node, keyPath: "\(item.keyPath).scripts.\(entry.name.lowercased())", source: entry.value.source))
            }
            for key in ["sendfile_roots", "symlink_roots"] { found += (try? item.child(key)?.items()) ?? [] }
            if let value = item.child("cgi")?.child("limits") { limits.append(value) }
        }
        for section in ["cgi", "fastcgi"] {
            for item in (try? holder.child(section)?.items()) ?? [] {
                if let value = item.child("limits") { limits.append(value) }
            }
        }
        for node in limits {
            found.append(node)
            found += ((try? node.entries()) ?? []).map(\.value)
        }
        return found
    }
}
