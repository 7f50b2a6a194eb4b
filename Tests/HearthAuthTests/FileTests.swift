import Foundation
import HearthAuth
import HearthTesting
import Logging
import Testing

/// htpasswd and group files as Apache's tools write them.
@Suite struct FileTests {
    @Test func htpasswdFileFromTheRealTool() async throws {
        let directory = try TemporaryDirectory()
        let lines = [
            "# staff", try Htpasswd.line("B", user: "alice", password: "a-pw"), "",
            try Htpasswd.line("m", user: "bob", password: "b-pw"),
            try Htpasswd.line("s", user: "carol", password: "c-pw"),
            try Htpasswd.line("d", user: "dave", password: "d-pw") + "\r",
            "eve:plaintext",
        ]
        let path = try directory.write("htpasswd", Array(lines.joined(separator: "\n").utf8))
        let capture = LogCapture()
        let file = try HtpasswdFile(path: path, logger: capture.logger())
        let verifier = PasswordVerifier.htpasswd(file)
        for (user, password) in [("alice", "a-pw"), ("bob", "b-pw"), ("carol", "c-pw"), ("dave", "d-pw")] {
            #expect(try await verifier.verify(user: user, password: password), "\(user)")
            #expect(try await !verifier.verify(user: user, password: password + "x"), "\(user)")
        }
        // Plain text is refused at load, with a line naming the user, never compared.
        #expect(try await !verifier.verify(user: "eve", password: "plaintext"))
        #expect(try await !verifier.verify(user: "nobody", password: "a-pw"))
        let refusal = capture.records.first { $0.message.contains("refused") }
        #expect(refusal?.metadata["user"] == "eve")
        #expect(refusal?.metadata["line"] == "7")
    }

    /// Apache reads the file per request; an edit takes effect at once.
    @Test func htpasswdFileIsReadAgainWhenItChanges() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("htpasswd", Array((try Htpasswd.line("m", user: "alice", password: "old")).utf8))
        let verifier = PasswordVerifier.htpasswd(try HtpasswdFile(path: path, logger: TestLog.logger("test")))
        #expect(try await verifier.verify(user: "alice", password: "old"))
        try directory.write("htpasswd", Array((try Htpasswd.line("m", user: "alice", password: "new-password")).utf8))
        #expect(try await verifier.verify(user: "alice", password: "new-password"))
        #expect(try await !verifier.verify(user: "alice", password: "old"))
        try FileManager.default.removeItem(atPath: path)
        await #expect(throws: (any Error).self) { try await verifier.verify(user: "alice", password: "new-password") }
    }

    @Test func fileWithoutUsableUsersIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("htpasswd", Array("# none\nalice:secret\n".utf8))
        #expect(throws: (any Error).self) { try HtpasswdFile(path: path, logger: TestLog.logger("test")) }
        #expect(throws: (any Error).self) { try HtpasswdFile(path: directory.path + "/missing", logger: TestLog.logger("test")) }
    }

    @Test func groupsFile() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("groups", Array("# groups\nadmins: alice  bob\nstaff:carol\n\nadmins: dave\n".utf8))
        let file = try GroupsFile(path: path)
        #expect(try file.groups(of: "alice") == ["admins"])
        #expect(try file.groups(of: "dave") == ["admins"])
        #expect(try file.groups(of: "carol") == ["staff"])
        let rule = AccessRule.any([.users(["erin"]), .groups(["admins"], file: file)])
        #expect(try await rule.allows("bob"))
        #expect(try await rule.allows("erin"))
        #expect(try await !rule.allows("carol"))
    }
}
