import HearthGateway
import HearthProcess
import HearthWorkers

/// `run_as: user[:group]` on `cgi` items, `fastcgi` pools and
/// `fcgi_scripts`, and the top-level `min_uid` / `min_gid` it is held to.
/// The keys store the name as written; once the whole file is read (the
/// minimums may come after the mounts), every name is looked up and
/// checked here, an error naming the `run_as` key, its line and column.
enum RunAsSection {
    /// `alice` or `alice:www`: names, checked for shape here and for
    /// existence once the file is read.
    static func name(_ node: ConfigurationNode) throws -> String {
        let text = try node.text(expecting: "user or user:group")
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") } }) else {
            throw node.error("expected user or user:group, found \(node.found)")
        }
        return text
    }

    static func minimum(_ node: ConfigurationNode) throws -> UInt32 {
        UInt32(try node.integer(in: 1...Int(UInt32.max - 1)))
    }

    /// Looks up the `run_as` of `fcgi_scripts`; the mounts' are looked up
    /// by `resolve(_:in:minimums:)`, for the top level and each host.
    static func resolve(_ configuration: inout HearthConfiguration, in document: ConfigurationNode) throws {
        if let node = document.child("fcgi_scripts")?.child("run_as") {
            configuration.scriptPools?.runAs = try account(node, minimums: configuration.runAsMinimums)
        }
    }

    /// Looks up every `run_as` of the `cgi` and `fastcgi` items of `holder`
    /// (the document, or an item of `hosts:`).
    static func resolve(_ mounts: inout SiteMounts, in holder: ConfigurationNode, minimums: RunAsAccount.Minimums) throws {
        for (index, item) in ((try? holder.child("cgi")?.items()) ?? []).enumerated() {
            guard let node = item.child("run_as") else { continue }
            mounts.cgiMounts[index].runAs = try account(node, minimums: minimums)
        }
        for (index, item) in ((try? holder.child("fastcgi")?.items()) ?? []).enumerated() {
            guard let node = item.child("run_as") else { continue }
            guard case .pool(var pool) = mounts.fastCGIMounts[index].backend else {
                throw node.error("run_as needs a pool (command); a FastCGI server Hearth connects to runs as whoever started it")
            }
            pool.runAs = try account(node, minimums: minimums)
            mounts.fastCGIMounts[index].backend = .pool(pool)
        }
    }

    private static func account(_ node: ConfigurationNode, minimums: RunAsAccount.Minimums) throws -> RunAsAccount {
        do {
            return try RunAsAccount.look(up: try name(node), minimums: minimums)
        } catch let refusal as RunAsAccount.Refusal {
            throw node.error(refusal.description)
        }
    }
}
