import HearthAuth
import Testing

/// Hashes written by the real htpasswd tool, each verified right and wrong
/// (SECURITY.md: "htpasswd hashes verified by the real algorithms").
@Suite struct HashTests {
    /// -B bcrypt ($2y$), -m $apr1$, -s {SHA}, -d crypt (DES; 8 bytes count).
    @Test(arguments: [("B", "bcrypt"), ("m", "apr1"), ("s", "SHA"), ("d", "crypt (DES)")])
    func htpasswdHashesVerify(flag: String, format: String) async throws {
        let password = "s3cret:pw"
        let stored = try Htpasswd.hash(flag, password: password)
        let hash = try #require(HtpasswdHash(stored))
        #expect(hash.format == format)
        #expect(await hash.verify(password))
        // Differs within the first 8 bytes, all that DES crypt reads.
        #expect(!(await hash.verify("s3creT:pw")))
        #expect(!(await hash.verify("")))
        #expect(!(await hash.verify(stored)))
    }

    /// Non-ASCII passwords are hashed as their UTF-8 bytes, as htpasswd does.
    @Test(arguments: ["B", "m", "s"])
    func utf8Passwords(flag: String) async throws {
        let hash = try #require(HtpasswdHash(try Htpasswd.hash(flag, password: "pässwörd€")))
        #expect(await hash.verify("pässwörd€"))
        #expect(!(await hash.verify("passwords")))
    }

    /// Long passwords take every branch of MD5-crypt's mixing loops.
    @Test(arguments: ["", "a", String(repeating: "x", count: 16), String(repeating: "long-pass", count: 9)])
    func apr1AtEveryLength(password: String) async throws {
        guard !password.isEmpty else {
            let hash = try #require(HtpasswdHash(try Htpasswd.hash("m", password: "")))
            #expect(await hash.verify(""))
            #expect(!(await hash.verify("a")))
            return
        }
        let hash = try #require(HtpasswdHash(try Htpasswd.hash("m", password: password)))
        #expect(await hash.verify(password))
        #expect(!(await hash.verify(password + "!")))
    }

    /// $2b$ and $2a$ prefixes are the same bcrypt to crypt_r.
    @Test func bcryptVariantsVerify() async throws {
        let stored = try Htpasswd.hash("B", password: "pw")
        for prefix in ["$2b$", "$2a$"] {
            let hash = try #require(HtpasswdHash(prefix + stored.dropFirst(4)))
            #expect(await hash.verify("pw"))
            #expect(!(await hash.verify("pW")))
        }
    }

    /// Plain text is never a hash, so it is never compared as one.
    @Test(arguments: ["secret", "", "{SHA}short", "$apr1$salt", "$apr1$toolongsalt$abcdefghijklmnopqrstuv", "abc"])
    func notHashes(stored: String) {
        #expect(HtpasswdHash(stored) == nil)
    }
}
