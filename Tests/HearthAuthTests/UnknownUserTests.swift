import HearthAuth
import Testing

/// SECURITY.md, password guessing by timing: "an unknown user costs a hash
/// like a known one", so the time of a refusal does not tell which user-ids
/// exist. Nothing outside the verifier shows that a hash ran except the
/// time it takes, so this is timed, loosely: bcrypt at cost 10 takes tens of
/// milliseconds, a refusal without it microseconds. The fastest of three
/// unknown-user refusals must take at least a third of the fastest of three
/// known-user ones (a slow machine slows both).
@Suite struct UnknownUserTests {
    @Test func anUnknownUserCostsAHashLikeAKnownOne() async throws {
        var table: [String: HtpasswdHash] = [:]
        for user in ["alice", "bob"] {
            let line = try Htpasswd.line("B", options: ["-C", "10"], user: user, password: "right")
            let hash = try #require(HtpasswdHash(String(line.dropFirst(user.count + 1))))
            table[user] = hash
        }
        let verifier = PasswordVerifier.users(table)
        let known = try await Self.fastest { try await verifier.verify(user: "bob", password: "wrong") }
        let unknown = try await Self.fastest { try await verifier.verify(user: "mallory", password: "wrong") }
        #expect(known > .milliseconds(5), "bcrypt at cost 10 took \(known): the comparison below means nothing")
        #expect(unknown * 3 >= known, "an unknown user is refused in \(unknown), a known one in \(known)")
        #expect(try await verifier.verify(user: "bob", password: "right"))
    }

    /// The shortest of three runs of `refusal`, which must refuse.
    static func fastest(_ refusal: () async throws -> Bool) async throws -> Duration {
        var best = Duration.seconds(3600)
        for _ in 0..<3 {
            let clock = ContinuousClock()
            var refused = false
            let took = try await clock.measure { refused = try await !refusal() }
            #expect(refused)
            best = min(best, took)
        }
        return best
    }
}
