import Foundation
import Hearth
import HearthAuth
import HearthHTTP
import HearthTesting
import HearthWorkers
import Testing

/// The admin listener's doors (issue 24, items 1 and 6): who is let in
/// (its `allow` blocks, its Basic authentication), what it answers, and
/// the health endpoints.
@Suite struct AdminListenerTests {
    static let hello = MetricsLiveTests.hello

    /// docs/security.md: a client outside `allow` is refused with 403 and a
    /// log line naming it, before its credentials are looked at; the server
    /// goes on serving.
    @Test func aClientOutsideTheAllowListIsRefused() async throws {
        let log = LogCapture()
        var admin = AdminConfiguration()
        admin.allow = [IPNetwork(cidr: "10.0.0.0/8")!, IPNetwork(cidr: "::1")!]
        let site = try await CGITestSite.start(scripts: ["hello.sh": Self.hello], monitoring: Monitoring(), admin: admin, logger: log.logger())
        try await site.whileServing { site in
            for path in ["/metrics", "/server-status", "/healthz", "/readyz"] {
                let status = try await site.adminGet(path).status
                #expect(status == 403, "\(path)")
            }
            let refusals = log.records.filter { $0.message.contains("outside its allow list") }
            #expect(refusals.count == 4)
            #expect(refusals.first?.metadata["remote"] == "127.0.0.1" && refusals.first?.metadata["status"] == "403")
            let next = try await site.get("/cgi-bin/hello.sh")
            #expect(next.status == 200, "the site keeps serving")
        }
    }

    /// The default `allow` is loopback: 127.0.0.1 is let in.
    @Test func loopbackIsLetInByDefault() async throws {
        let site = try await CGITestSite.start(scripts: [:], monitoring: Monitoring())
        try await site.whileServing { site in
            let health = try await site.adminGet("/healthz")
            #expect(health.status == 200 && health.text == "ok\n")
            #expect(health.header("Cache-Control") == "no-store")
        }
    }

    /// docs/security.md: with `auth:`, no credentials or wrong ones are 401
    /// with the challenge; the right ones are let in.
    @Test func authenticationIsRequiredWhenConfigured() async throws {
        let log = LogCapture()
        var admin = AdminConfiguration()
        let hash = try #require(HtpasswdHash(try Self.bcrypt("s3cret")))
        admin.auth = BasicAuthConfiguration(realm: "Hearth admin", passwords: .users(["ops": hash]))
        let site = try await CGITestSite.start(scripts: [:], monitoring: Monitoring(), admin: admin, logger: log.logger())
        try await site.whileServing { site in
            let anonymous = try await site.adminGet("/metrics")
            #expect(anonymous.status == 401)
            #expect(anonymous.header("WWW-Authenticate") == #"Basic realm="Hearth admin", charset="UTF-8""#)
            #expect(try await site.adminGet("/metrics", headers: [Self.basic("ops", "wrong")]).status == 401)
            #expect(try await site.adminGet("/server-status?json", headers: [Self.basic("ops", "wrong")]).status == 401)
            #expect(log.records.contains { $0.metadata["status"] == "401" })
            let allowed = try await site.adminGet("/metrics", headers: [Self.basic("ops", "s3cret")])
            #expect(allowed.status == 200 && allowed.text.contains("hearth_build_info"))
        }
    }

    /// Only its four paths, and only GET and HEAD.
    @Test func onlyTheAdminPathsAreServed() async throws {
        let site = try await CGITestSite.start(scripts: ["hello.sh": Self.hello], monitoring: Monitoring())
        try await site.whileServing { site in
            #expect(try await site.adminGet("/cgi-bin/hello.sh").status == 404)
            #expect(try await site.adminGet("/").status == 404)
            let post = try await rawRequest("POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", port: site.admin!.port)
            #expect(post.status == 405 && post.header("Allow") == "GET, HEAD")
        }
    }

    /// `/readyz` is 200 while the site listens and its pools are up, and
    /// 503 naming what is not: here a pool whose program exits at once,
    /// failed after its first crash (`crash_limit: 1`).
    @Test func readinessNamesWhatIsNotReady() async throws {
        let site = try await CGITestSite.start(scripts: ["hello.sh": Self.hello], monitoring: Monitoring())
        try await site.whileServing { site in
            let ready = try await site.adminGet("/readyz")
            #expect(ready.status == 200 && ready.text == "ready\n")
        }
        let failing = try await CGITestSite.start(
            scripts: ["crash.fcgi": "#!/bin/sh\nexit 3\n"],
            site: {
                var pool = WorkerPoolConfiguration()
                pool.crashLimit = 1
                $0.scriptPools = pool
            },
            monitoring: Monitoring()
        )
        try await failing.whileServing { site in
            let pool = try #require(site.site.workers?.all[site.scriptDirectory + "/crash.fcgi"])
            #expect(await Processes.eventually(seconds: 10) { pool.failure != nil })
            let unready = try await site.adminGet("/readyz")
            #expect(unready.status == 503)
            #expect(unready.text.hasPrefix("not ready: pool \(site.scriptDirectory)/crash.fcgi failed: "), "\(unready.text)")
        }
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Authorization: Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// A bcrypt hash made by the real htpasswd tool.
    static func bcrypt(_ password: String) throws -> String {
        let line = try BasicAuthLiveTests.htpasswd("B", user: "x", password: password)
        return String(line.dropFirst(2))
    }
}
