import Foundation
import Hearth
import HearthTesting
import Logging
import Testing

/// Basic authentication on a live CGI mount (RFC 7617; RFC 3875 §4.1.1,
/// §4.1.11, §4.1.18): a real script reports what it sees.
@Suite struct BasicAuthLiveTests {
    static let script = """
        #!/bin/sh
        printf 'Content-Type: text/plain\\n\\n'
        echo "REMOTE_USER=${REMOTE_USER-unset}"
        echo "AUTH_TYPE=${AUTH_TYPE-unset}"
        echo "HTTP_AUTHORIZATION=${HTTP_AUTHORIZATION-unset}"

        """

    static func basic(_ user: String, _ password: String) -> String {
        "Authorization: Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// A CGI mount behind auth with `pass_authorization` on, an htpasswd
    /// file written by the real tool, `require: [alice, bob]`.
    func start(log: LogCapture, accessLog: MemoryAccessLog) async throws -> (CGITestSite, TemporaryDirectory) {
        let files = try TemporaryDirectory()
        let lines = try [("alice", "wonderland", "B"), ("bob", "builder", "m"), ("mallory", "evil", "s")].map { user, password, flag in
            try Self.htpasswd(flag, user: user, password: password)
        }
        let path = try files.write("htpasswd", Array(lines.joined(separator: "\n").utf8))
        let site = try await CGITestSite.start(
            scripts: ["whoami": Self.script], mount: { $0.passAuthorization = true },
            site: {
                var auth = BasicAuthConfiguration(realm: "Staff \"only\"", passwords: .htpasswd(path: path))
                auth.requireUsers = ["alice", "bob"]
                $0.authentication["/cgi-bin"] = auth
            },
            accessLog: accessLog, logger: log.logger()
        )
        return (site, files)
    }

    @Test func withoutCredentialsTheClientIsChallenged() async throws {
        let log = LogCapture()
        let (site, files) = try await start(log: log, accessLog: MemoryAccessLog())
        let response = try await site.get("/cgi-bin/whoami")
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate") == #"Basic realm="Staff \"only\"", charset="UTF-8""#)
        #expect(!response.text.contains("REMOTE_USER"))
        let malformed = try await site.get("/cgi-bin/whoami", headers: ["Authorization: Basic !!!"])
        #expect(malformed.status == 401)
        try await site.stop()
        withExtendedLifetime(files) {}
    }

    @Test func theScriptSeesTheUserAndNeverTheCredentials() async throws {
        let accessLog = MemoryAccessLog()
        let (site, files) = try await start(log: LogCapture(), accessLog: accessLog)
        for (user, password) in [("alice", "wonderland"), ("bob", "builder")] {
            let response = try await site.get("/cgi-bin/whoami", headers: [Self.basic(user, password)])
            #expect(response.status == 200)
            #expect(response.text == "REMOTE_USER=\(user)\nAUTH_TYPE=Basic\nHTTP_AUTHORIZATION=unset\n")
        }
        try await site.stop()
        withExtendedLifetime(files) {}
        #expect(accessLog.entries.count == 2)
        // Each line is written once its response is done, which a loaded
        // machine can finish after the next request's (seen in CI): the
        // lines in either order.
        #expect(accessLog.entries.contains { $0.hasPrefix("127.0.0.1 - alice [") })
        #expect(accessLog.entries.contains { $0.hasPrefix("127.0.0.1 - bob [") })
    }

    @Test func aUserOutsideRequireIsForbidden() async throws {
        let accessLog = MemoryAccessLog()
        let (site, files) = try await start(log: LogCapture(), accessLog: accessLog)
        let response = try await site.get("/cgi-bin/whoami", headers: [Self.basic("mallory", "evil")])
        #expect(response.status == 403)
        #expect(response.header("WWW-Authenticate") == nil)
        #expect(!response.text.contains("REMOTE_USER"))
        try await site.stop()
        withExtendedLifetime(files) {}
        #expect(accessLog.entries.first?.contains(" - mallory [") == true)
    }

    @Test func aFailedAttemptIsLoggedWithoutThePassword() async throws {
        let log = LogCapture()
        let accessLog = MemoryAccessLog()
        let (site, files) = try await start(log: log, accessLog: accessLog)
        let response = try await site.get("/cgi-bin/whoami", headers: [Self.basic("alice", "Guessed-Pw-123")])
        #expect(response.status == 401)
        try await site.stop()
        withExtendedLifetime(files) {}
        let records = log.records.filter { $0.metadata["status"] == "401" }
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.level == .notice)
        #expect(record.message.contains("\"alice\""))
        #expect(record.metadata["remote"] == "127.0.0.1")
        #expect(!log.records.contains { "\($0.message) \($0.metadata)".contains("Guessed-Pw-123") })
        #expect(accessLog.entries.first?.contains(" - - [") == true)
        #expect(accessLog.entries.first?.contains(" 401 ") == true)
    }

    /// Warm (a Perl CGI::Fast `*.fcgi` worker: FastCGI PARAMS) and hot (a
    /// Swift handler's variables) see the same AUTH_TYPE and REMOTE_USER,
    /// and no Authorization, as the cold script.
    @Test func warmAndHotSeeTheUserToo() async throws {
        let files = try TemporaryDirectory()
        let path = try files.write("htpasswd", Array(try Self.htpasswd("m", user: "alice", password: "wonderland").utf8))
        let warm = #"""
            #!/usr/bin/perl
            use strict;
            use CGI::Fast;
            while (my $q = CGI::Fast->new) {
                print "Content-Type: text/plain\r\n\r\n";
                print "REMOTE_USER=", ($ENV{REMOTE_USER} // 'unset'), "\n";
                print "AUTH_TYPE=", ($ENV{AUTH_TYPE} // 'unset'), "\n";
                print "HTTP_AUTHORIZATION=", ($ENV{HTTP_AUTHORIZATION} // 'unset'), "\n";
            }
            """#
        let hot = HandlerFunction { request in
            .text("REMOTE_USER=\(request.remoteUser ?? "unset")\nAUTH_TYPE=\(request.variables["AUTH_TYPE"] ?? "unset")\n")
        }
        let site = try await CGITestSite.start(
            scripts: ["who.fcgi": warm], mount: { $0.passAuthorization = true },
            site: {
                $0.authentication["/cgi-bin"] = BasicAuthConfiguration(realm: "R", passwords: .htpasswd(path: path))
                $0.authentication["/hot"] = BasicAuthConfiguration(realm: "R", passwords: .htpasswd(path: path))
            },
            builder: { $0.mount("/hot", handler: hot) }
        )
        let credentials = Self.basic("alice", "wonderland")
        #expect(try await site.get("/cgi-bin/who.fcgi").status == 401)
        #expect(try await site.get("/hot").status == 401)
        let warmAnswer = try await site.get("/cgi-bin/who.fcgi", headers: [credentials])
        #expect(warmAnswer.text == "REMOTE_USER=alice\nAUTH_TYPE=Basic\nHTTP_AUTHORIZATION=unset\n")
        let hotAnswer = try await site.get("/hot", headers: [credentials])
        #expect(hotAnswer.text == "REMOTE_USER=alice\nAUTH_TYPE=Basic\n")
        try await site.stop()
        withExtendedLifetime(files) {}
    }

    static func htpasswd(_ flag: String, user: String, password: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/htpasswd")
        process.arguments = ["-nb" + flag, user, password]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
