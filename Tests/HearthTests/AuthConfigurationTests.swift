import Foundation
import Hearth
import HearthTesting
import Logging
import Testing

/// `auth:` on `cgi`, `fastcgi` and `static` items (docs/authentication.md).
@Suite struct AuthConfigurationTests {
    func parse(_ yaml: String) throws -> HearthConfiguration {
        try ConfigurationFile.parse(yaml: yaml, file: "hearth.yaml", baseDirectory: "/etc/hearth")
    }

    @Test func authOnEachKindOfMount() throws {
        let configuration = try parse("""
            cgi:
              - url: /cgi-bin
                auth:
                  realm: Staff
                  htpasswd: htpasswd
                  require: [alice, bob]
            static:
              - url: /private
                auth:
                  users: {carol: "{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M="}
                  groups_file: /etc/hearth/groups
                  require_group: [admins]
            fastcgi:
              - url: /shop
                connect: 127.0.0.1:9000
                auth: {htpasswd: /srv/shop.htpasswd}
            """)
        let cgi = try #require(configuration.authentication["/cgi-bin"])
        #expect(cgi.realm == "Staff")
        guard case .htpasswd(let path) = cgi.passwords else { Issue.record("expected htpasswd"); return }
        #expect(path == "/etc/hearth/htpasswd")
        #expect(cgi.requireUsers == ["alice", "bob"])
        let files = try #require(configuration.authentication["/private"])
        #expect(files.realm == "Restricted")
        guard case .users(let users) = files.passwords else { Issue.record("expected users"); return }
        #expect(Array(users.keys) == ["carol"])
        #expect(files.groupsFile == "/etc/hearth/groups" && files.requireGroups == ["admins"])
        #expect(configuration.authentication["/shop"] != nil)
        #expect(configuration.authentication.count == 3)
    }

    @Test(arguments: [
        ("cgi: [{auth: {realm: x}}]", "cgi[0].auth", "needs htpasswd"),
        ("cgi: [{auth: {htpasswd: a, users: {u: \"{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=\"}}}]", "cgi[0].auth", "both"),
        ("cgi: [{auth: {users: {alice: secret}}}]", "cgi[0].auth.users.alice", "plain-text passwords are refused"),
        ("cgi: [{auth: {htpasswd: a, require_group: [admins]}}]", "cgi[0].auth", "require_group needs groups_file"),
        ("static: [{auth: {htpasswd: a, realm: \"\"}}]", "static[0].auth.realm", "non-empty"),
        ("cgi: [{auth: {htpasswd: a, requires: [x]}}]", "cgi[0].auth.requires", "unknown key"),
    ])
    func mistakesNameTheirKey(yaml: String, key: String, message: String) {
        do {
            _ = try parse(yaml)
            Issue.record("accepted \(yaml)")
        } catch let error as ConfigurationError {
            #expect(error.key == key)
            #expect(error.message.contains(message), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    /// Files are checked when the site is built: before anything listens.
    @Test func buildChecksTheFiles() throws {
        let directory = try TemporaryDirectory()
        let plain = try directory.write("plain", Array("alice:secret\n".utf8))
        let cgiBin = try directory.write("cgi-bin/.keep", [])
        var configuration = HearthConfiguration()
        configuration.cgiMounts[0].directory = (cgiBin as NSString).deletingLastPathComponent
        configuration.staticMounts = []
        for (path, message) in [(plain, "no user with a supported hash"), (directory.path + "/missing", "No such file")] {
            configuration.authentication = ["/cgi-bin": BasicAuthConfiguration(passwords: .htpasswd(path: path))]
            #expect {
                try SiteBuilder(configuration: configuration).build(logger: TestLog.logger("test"))
            } throws: { error in
                let error = error as? ConfigurationError
                return error?.key == "cgi[0].auth.htpasswd" && error?.message.contains(message) == true
            }
        }
        configuration.authentication = ["/nowhere": BasicAuthConfiguration(passwords: .verifier(PasswordVerifier { _, _ in true }))]
        #expect(throws: ConfigurationError.self) { try SiteBuilder(configuration: configuration).build(logger: TestLog.logger("test")) }
    }
}
