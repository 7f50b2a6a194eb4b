import Foundation
import Glibc
import HearthTesting
import Testing

/// SECURITY.md, another local user reaching a worker: the workers' Unix
/// sockets lie in a directory of mode 0700 made for this server, removed
/// at shutdown with everything in it.
@Suite struct WorkerSocketDirectoryTests {
    @Test func socketsLieInAPrivateDirectoryRemovedAtShutdown() async throws {
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: ["counter.fcgi": WarmApps.perlCounter], site: { $0.scriptPools = testPool() }, logger: WarmApps.logger(capture))
        #expect(try await site.get("/cgi-bin/counter.fcgi").status == 200)
        let directory = try #require(site.site.workers?.sockets.directory, "no socket directory with a worker running")
        var info = stat()
        try #require(lstat(directory, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFDIR)
        #expect(info.st_mode & 0o7777 == 0o700, "mode \(String(info.st_mode & 0o7777, radix: 8))")
        #expect(info.st_uid == geteuid())
        let sockets = try FileManager.default.contentsOfDirectory(atPath: directory).filter { name in
            var entry = stat()
            return lstat(directory + "/" + name, &entry) == 0 && entry.st_mode & S_IFMT == S_IFSOCK
        }
        #expect(!sockets.isEmpty, "the worker's socket is not in \(directory)")
        try await site.stop()
        #expect(!FileManager.default.fileExists(atPath: directory), "\(directory) left behind at shutdown")
    }
}
