import Foundation
import Hearth
import HearthTesting
import HearthWorkers
import SessionCounter
import Testing

/// One session, two temperatures: the counter mounted hot in the server
/// and the same counter running warm (`session-counter`, a FastCGI worker
/// in a pool Hearth supervises) share one SQLite file, so a session
/// written by either is read by the other.
@Suite struct SessionTemperaturesTests {
    @Test func aSessionWrittenHotIsReadWarmAndBack() async throws {
        let data = try TemporaryDirectory()
        let database = data.path + "/sessions.sqlite"
        var pool = WorkerPoolConfiguration(command: [HearthProcess.builtExecutable("session-counter")])
        pool.environment = [("PATH", "/usr/local/bin:/usr/bin:/bin"), ("SESSION_DB", database)]
        let site = try await CGITestSite.start(
            scripts: [:],
            site: {
                $0.fastCGIMounts = [FastCGIMountConfiguration(urlPath: "/warm", backend: .pool(pool))]
                $0.sessions = SessionConfiguration(store: .sqlite(path: database))
            },
            builder: { $0.mount("/hot", handler: SessionCounter(), sessions: true) }
        )
        let first = try await site.get("/hot/")
        let id = try #require(first.header("Set-Cookie").flatMap { cookieValue($0, name: "hearth_session") })
        let cookie = ["Cookie: hearth_session=\(id)"]
        let warm = try await site.get("/warm/", headers: cookie)
        let hot = try await site.get("/hot/peek", headers: cookie)
        let login = try await site.get("/warm/login", headers: cookie)
        let newID = try #require(login.header("Set-Cookie").flatMap { cookieValue($0, name: "hearth_session") })
        let oldAfterLogin = try await site.get("/hot/peek", headers: cookie)
        let newAfterLogin = try await site.get("/hot/peek", headers: ["Cookie: hearth_session=\(newID)"])
        try await site.stop()

        #expect(first.text == "visits 1\n")
        #expect(warm.text == "visits 2\n", "warm read what hot wrote")
        #expect(warm.header("Set-Cookie") == nil)
        #expect(hot.text == "visits 2\n", "hot read what warm wrote")
        #expect(newID != id)
        #expect(oldAfterLogin.text == "visits 0\n", "the id the worker retired is gone for the server too")
        #expect(newAfterLogin.text == "visits 2\n")
    }
}
