import Foundation
import HTTPTypes
import HearthAuth
import HearthTesting
import HearthWeb
import Logging
import Testing

@testable import HearthPublisher

/// Basic authentication (RFC 7617) at the level of a published object and
/// of a single function: the innermost level configured applies.
@Suite struct PublisherAuthTests {
    /// `{SHA}` hashes: quick to verify, and checked by the real algorithm.
    static let staff = BasicAuthenticator(
        realm: "Staff", verifier: .users(["alice": HtpasswdHash("{SHA}" + sha1("wonderland"))!, "bob": HtpasswdHash("{SHA}" + sha1("builder"))!])
    )
    static let admins = BasicAuthenticator(
        realm: "Admins \"only\"", verifier: PasswordVerifier { user, password in user == "root" && password == "toor" },
        access: .users(["root"])
    )
    static let aliceOnly = BasicAuthenticator(realm: "Alice", verifier: staff.verifier, access: .users(["alice"]))

    static func sha1(_ password: String) -> String {
        HtpasswdFixture.sha1Base64(password)
    }

    struct Who: Encodable {
        var user: String?
        var type: String?
        var authorization: String?
    }

    static func guarded(log: LogCapture) throws -> Publisher {
        var object = PublishedObject(auth: staff)
        let who: @Sendable (HearthRequest) -> Who = { request in
            Who(user: request.remoteUser, type: request.variables["AUTH_TYPE"], authorization: request.headerFields[.authorization])
        }
        try object.publish("index", who)
        try object.publish("admin", auth: admins, who)
        try object.publish("mine", auth: aliceOnly, who)
        var open = PublishedObject()
        try open.publish("index", who)
        try open.publish("secret", methods: [.post], auth: admins, who)
        var publisher = Publisher(logger: log.logger())
        try publisher.publish("staff", object)
        try publisher.publish("open", open)
        return publisher
    }

    @Test func anObjectsAuthenticationGuardsItsFunctions() async throws {
        let log = LogCapture()
        let publisher = try Self.guarded(log: log)
        let anonymous = try await publisher.handle(publisherRequest("/api/staff/"))
        #expect(anonymous.status == .unauthorized)
        #expect(anonymous.headerFields[.wwwAuthenticate] == #"Basic realm="Staff", charset="UTF-8""#)
        let alice = try await publisher.handle(publisherRequest("/api/staff/", headers: basic("alice", "wonderland")))
        #expect(alice.status == .ok)
        #expect(alice.text == #"{"type":"Basic","user":"alice"}"# + "\n", "REMOTE_USER and AUTH_TYPE set, Authorization gone")
    }

    @Test func aFunctionsOwnAuthenticationReplacesItsObjects() async throws {
        let publisher = try Self.guarded(log: LogCapture())
        let staffCredentials = try await publisher.handle(publisherRequest("/api/staff/admin", headers: basic("alice", "wonderland")))
        #expect(staffCredentials.status == .unauthorized)
        #expect(staffCredentials.headerFields[.wwwAuthenticate] == #"Basic realm="Admins \"only\"", charset="UTF-8""#)
        let root = try await publisher.handle(publisherRequest("/api/staff/admin", headers: basic("root", "toor")))
        #expect(root.status == .ok && root.text.contains(#""user":"root""#), "root is no staff member, but the function's level applies")
    }

    @Test func aFunctionCanBeGuardedInAnOpenObject() async throws {
        let publisher = try Self.guarded(log: LogCapture())
        #expect(try await publisher.handle(publisherRequest("/api/open/")).text == "{}\n")
        let refused = try await publisher.handle(publisherRequest(.post, "/api/open/secret"))
        #expect(refused.status == .unauthorized)
        let wrongMethod = try await publisher.handle(publisherRequest(.get, "/api/open/secret"))
        #expect(wrongMethod.status == .unauthorized, "authentication before the method: a stranger learns nothing of the function")
        let allowed = try await publisher.handle(publisherRequest(.post, "/api/open/secret", headers: basic("root", "toor")))
        #expect(allowed.status == .ok)
        let rootGet = try await publisher.handle(publisherRequest(.get, "/api/open/secret", headers: basic("root", "toor")))
        #expect(rootGet.status == .methodNotAllowed && rootGet.headerFields[.allow] == "POST")
    }

    @Test func theAccessRuleGives403() async throws {
        let log = LogCapture()
        let publisher = try Self.guarded(log: log)
        let bob = try await publisher.handle(publisherRequest("/api/staff/mine", headers: basic("bob", "builder")))
        #expect(bob.status == .forbidden && bob.headerFields[.wwwAuthenticate] == nil)
        #expect(log.records.last?.message == #"user "bob" is not allowed in realm "Alice" by its access rule"#)
        let alice = try await publisher.handle(publisherRequest("/api/staff/mine", headers: basic("alice", "wonderland")))
        #expect(alice.status == .ok)
    }

    @Test("failed attempts are logged with the user and address, never the password", arguments: [
        (basic("alice", "Guessed-Pw-123"), #"authentication failed for user "alice" in realm "Staff""#),
        (basic("mallory", "Guessed-Pw-123"), #"authentication failed for user "mallory" in realm "Staff""#),
        ([.authorization: "Basic !!!Guessed-Pw-123"], #"malformed or non-Basic credentials in realm "Staff""#),
        ([.authorization: "Bearer Guessed-Pw-123"], #"malformed or non-Basic credentials in realm "Staff""#),
        ([:], #"no credentials in realm "Staff""#),
    ] as [(HTTPFields, String)])
    func failedAttemptsAreLogged(headers: HTTPFields, message: String) async throws {
        let log = LogCapture()
        let response = try await Self.guarded(log: log).handle(publisherRequest("/api/staff/", headers: headers))
        #expect(response.status == .unauthorized)
        let record = try #require(log.records.first)
        #expect(record.level == .notice && record.message == message)
        #expect(record.metadata["remote"] == "192.0.2.7" && record.metadata["path"] == "/api/staff/" && record.metadata["status"] == "401")
        #expect(!log.records.contains { "\($0.message) \($0.metadata)".contains("Guessed-Pw-123") })
        #expect(!response.text.contains("Guessed"))
    }

    @Test func anHtpasswdFileWrittenByApachesToolWorksAtTheFunctionLevel() async throws {
        let files = try TemporaryDirectory()
        let lines = try [("B", "carol", "bcrypt-pw"), ("m", "dave", "apr1-pw"), ("s", "erin", "sha-pw")].map {
            try HtpasswdFixture.line($0.0, user: $0.1, password: $0.2)
        }
        let path = try files.write("htpasswd", Array(lines.joined(separator: "\n").utf8))
        let file = try HtpasswdFile(path: path, logger: TestLog.logger("test"))
        let guarded = try publisher(logger: LogCapture().logger()) {
            try $0.publish("f", auth: BasicAuthenticator(realm: "Files", verifier: .htpasswd(file))) { (request: HearthRequest) in
                request.remoteUser ?? "nobody"
            }
        }
        for (user, password) in [("carol", "bcrypt-pw"), ("dave", "apr1-pw"), ("erin", "sha-pw")] {
            let right = try await guarded.handle(publisherRequest("/api/o/f", headers: basic(user, password)))
            #expect(right.status == .ok && right.text == user)
            let wrong = try await guarded.handle(publisherRequest("/api/o/f", headers: basic(user, password + "x")))
            #expect(wrong.status == .unauthorized)
        }
        withExtendedLifetime(files) {}
    }

    @Test func aMountConfigurationMakesTheSameCheck() async throws {
        var configuration = BasicAuthConfiguration(realm: "Config", passwords: .users(["alice": HtpasswdHash("{SHA}" + Self.sha1("wonderland"))!]))
        configuration.requireUsers = ["nobody-else"]
        let authenticator = try configuration.authenticator(logger: TestLog.logger("test"))
        let outcome = try await authenticator.check(authorization: [basic("alice", "wonderland")[.authorization]!])
        #expect(outcome == .forbidden(user: "alice", message: #"user "alice" is not allowed in realm "Config" by its access rule"#))
    }
}

/// Hashes as Apache's `htpasswd` writes them.
enum HtpasswdFixture {
    static func line(_ flag: String, user: String, password: String) throws -> String {
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

    /// `{SHA}`'s digest, from the real tool, so the test does not compute
    /// what it checks.
    static func sha1Base64(_ password: String) -> String {
        let line = (try? line("s", user: "u", password: password)) ?? ""
        return String(line.dropFirst("u:{SHA}".count))
    }
}
