@testable import HearthAuth
import Synchronization
import Testing

/// SECURITY.md, password guessing by timing: "an unknown user costs a hash
/// like a known one", so the time of a refusal does not tell which user-ids
/// exist. Seen without timing (a timed version failed under the parallel
/// suite's load): the check `lookUp` runs is recorded, and an unknown user
/// must cost exactly one check, of the first user's hash by name, and still
/// be refused when that check passes.
@Suite struct UnknownUserTests {
    static let table = ["carol": "hash of carol", "alice": "hash of alice", "bob": "hash of bob"]

    /// The hashes `lookUp` checked for `user`, and its answer, with a check
    /// that accepts every password.
    static func checks(for user: String) async -> (checked: [String], accepted: Bool) {
        let checked = Mutex<[String]>([])
        let accepted = await PasswordVerifier.lookUp(user, "pw", in: table) { hash, _ in
            checked.withLock { $0.append(hash) }
            return true
        }
        return (checked.withLock { $0 }, accepted)
    }

    @Test func anUnknownUserCostsOneHashOfAKnownUserAndIsRefused() async {
        let unknown = await Self.checks(for: "mallory")
        #expect(unknown.checked == ["hash of alice"])
        #expect(!unknown.accepted)
        let known = await Self.checks(for: "bob")
        #expect(known.checked == ["hash of bob"])
        #expect(known.accepted)
    }

    /// The same through the public verifier, with real bcrypt hashes.
    @Test func anUnknownUserIsRefusedByTheRealVerifier() async throws {
        var table: [String: HtpasswdHash] = [:]
        for user in ["alice", "bob"] {
            let line = try Htpasswd.line("B", user: user, password: "right")
            let hash = try #require(HtpasswdHash(String(line.dropFirst(user.count + 1))))
            table[user] = hash
        }
        let verifier = PasswordVerifier.users(table)
        #expect(try await !verifier.verify(user: "mallory", password: "right"))
        #expect(try await verifier.verify(user: "bob", password: "right"))
        #expect(try await !verifier.verify(user: "bob", password: "wrong"))
    }
}
