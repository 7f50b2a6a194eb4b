import HearthCGI

/// An in-memory `CGIFileSystem`: a kind per absolute path, and the paths
/// whose real path differs (symlinks). Paths not listed are missing.
struct FakeFileSystem: CGIFileSystem {
    var kinds: [String: CGIFileKind]
    var links: [String: String] = [:]

    func kind(of path: String) -> CGIFileKind {
        kinds[path] ?? .missing
    }

    func realPath(_ path: String) -> String? {
        if let target = links[path] { return target }
        return kinds[path] == nil ? nil : path
    }
}

extension FakeFileSystem {
    /// A script directory `/srv/cgi` with a little of everything.
    static let cgiBin = FakeFileSystem(
        kinds: [
            "/srv/cgi/hello.sh": .file(executable: true),
            "/srv/cgi/hello world.sh": .file(executable: true),
            "/srv/cgi/%41.sh": .file(executable: true),
            "/srv/cgi/nph-clock.sh": .file(executable: true),
            "/srv/cgi/readme.txt": .file(executable: false),
            "/srv/cgi/page.pl": .file(executable: false),
            "/srv/cgi/tool.pl": .file(executable: true),
            "/srv/cgi/fifo": .other,
            "/srv/cgi/sub": .directory,
            "/srv/cgi/sub/deep": .directory,
            "/srv/cgi/sub/deep/run.sh": .file(executable: true),
            "/srv/cgi/escape.sh": .file(executable: true),
            "/srv/cgi/sibling.sh": .file(executable: true),
            "/srv/cgi/linked.sh": .file(executable: true),
        ],
        links: [
            "/srv/cgi/escape.sh": "/etc/evil.sh",
            "/srv/cgi/sibling.sh": "/srv/cgi-other/x.sh",
            "/srv/cgi/linked.sh": "/srv/cgi/sub/deep/run.sh",
        ]
    )
}
