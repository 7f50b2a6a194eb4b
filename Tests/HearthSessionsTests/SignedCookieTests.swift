import Foundation
import HearthSessions
import HearthTesting
import HearthWeb
import Testing

/// Signed cookies: HMAC-SHA256 over name and value, key rotation, and
/// every bad cookie treated as absent and logged without its value.
@Suite struct SignedCookieTests {
    static let keyA = "c2lnbmluZyBrZXkgQSBmb3IgdGhlIHRlc3RzOiAzMmI="  // "signing key A for the tests: 32b"
    static let keyB = "c2lnbmluZyBrZXkgQiBmb3IgdGhlIHRlc3RzOiAzMmI="

    let signer: CookieSigner
    let logs = LogCapture()

    init() throws {
        signer = try CookieSigner(base64Keys: [Self.keyA])
    }

    func read(_ cookie: String, name: String = "prefs", signer: CookieSigner? = nil) -> String? {
        makeRequest(cookie: cookie).signedCookie(name, signer: signer ?? self.signer, logger: logs.logger())
    }

    @Test(arguments: ["dark", "", "ünïcode; with = and \"quotes\"", String(repeating: "x", count: 2000)])
    func aSignedValueReadsBack(value: String) {
        let signed = signer.sign(value, name: "prefs")
        #expect(signed.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") }, "only cookie-octets")
        #expect(read("prefs=\(signed)") == value)
        #expect(logs.records.isEmpty)
    }

    @Test func theSignatureIsAnHMACSHA256OfNameAndPayload() throws {
        let signed = signer.sign("dark", name: "prefs")
        #expect(signed.hasPrefix("ZGFyaw."), "base64url of the value, then the MAC")
        // The same MAC computed by another implementation: openssl.
        let hexKey = try #require(Data(base64Encoded: Self.keyA)).map { String(format: "%02x", $0) }.joined()
        let openssl = try Process.run("/usr/bin/openssl", ["dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(hexKey)"], input: "prefs=ZGFyaw")
        let expected = try #require(openssl.split(separator: " ").last).trimmingCharacters(in: .whitespacesAndNewlines)
        var base64 = String(signed.dropFirst("ZGFyaw.".count)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += "="
        let mac = try #require(Data(base64Encoded: base64)).map { String(format: "%02x", $0) }.joined()
        #expect(mac == expected)
    }

    @Test func aValueSignedForOneNameIsRefusedUnderAnother() {
        let signed = signer.sign("admin", name: "role")
        #expect(read("user=\(signed)", name: "user") == nil)
        #expect(logs.records.first?.metadata["reason"] == "tampered")
    }

    @Test(arguments: [
        ("plain", "unsigned"),
        ("ZGFyaw.not-a-mac", "badly encoded"),
        ("ZGFyaw.", "badly encoded"),
        ("%%%.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "badly encoded"),
        ("ZGFyaw.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "tampered"),
    ])
    func aBadCookieIsAbsentAndLoggedWithoutItsValue(cookie: String, reason: String) {
        #expect(read("prefs=\(cookie)") == nil)
        let record = logs.records.first
        #expect(record?.message == "signed cookie rejected")
        #expect(record?.metadata["reason"] == reason)
        #expect(record?.metadata["cookie"] == "prefs")
        #expect(record?.metadata["remote"] == "192.0.2.7")
        #expect(!(record?.metadata.values.contains { $0.contains(cookie) } ?? true), "never the value")
    }

    @Test func aChangedPayloadIsTampered() {
        var signed = Array(signer.sign("user", name: "prefs").utf8)
        signed[0] = signed[0] == UInt8(ascii: "d") ? UInt8(ascii: "e") : UInt8(ascii: "d")
        #expect(read("prefs=\(String(decoding: signed, as: UTF8.self))") == nil)
        #expect(logs.records.first?.metadata["reason"] == "tampered")
    }

    @Test func rotationAcceptsEveryKeyAndSignsWithTheFirst() throws {
        let old = try CookieSigner(base64Keys: [Self.keyA])
        let rotated = try CookieSigner(base64Keys: [Self.keyB, Self.keyA])
        let signedBefore = old.sign("v", name: "prefs")
        #expect(read("prefs=\(signedBefore)", signer: rotated) == "v", "the old key still verifies")
        let signedAfter = rotated.sign("v", name: "prefs")
        #expect(signedAfter != signedBefore, "the new key signs")
        #expect(read("prefs=\(signedAfter)", signer: old) == nil, "a signer without the new key refuses it")
    }

    @Test func theFirstVerifyingCookieOfRepeatedNamesWins() {
        let signed = signer.sign("good", name: "prefs")
        #expect(read("prefs=forged; prefs=\(signed)") == "good")
        #expect(logs.records.count == 1, "the forged one is logged")
    }

    @Test func keysShorterThan32BytesOrNotBase64AreRefused() throws {
        #expect(throws: CookieSigningKeyError.self) { try CookieSigningKey(bytes: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CookieSigningKeyError.self) { try CookieSigningKey(base64: "c2hvcnQ=") }
        #expect(throws: CookieSigningKeyError.self) { try CookieSigningKey(base64: "not base64 at all!") }
        #expect(throws: CookieSigningKeyError.self) { try CookieSigner(keys: []) }
        _ = try CookieSigningKey(bytes: [UInt8](repeating: 1, count: 32))
    }

    @Test func keysAsOpensslPrintsThemAreAccepted() throws {
        let openssl = try Process.run("/usr/bin/openssl", ["rand", "-base64", "32"])
        let key = try CookieSigningKey(base64: openssl)
        let signer = try CookieSigner(keys: [key])
        #expect(try signer.verify(signer.sign("x", name: "n"), name: "n").get() == "x")
    }

    @Test func setSignedCookieSignsAndFollowsTLS() throws {
        var response = HearthResponse()
        try response.setSignedCookie(SetCookie(name: "prefs", value: "dark"), signer: signer, for: makeRequest(variables: [("HTTPS", "on")]))
        let field = try #require(response.setCookies.first)
        #expect(field.hasSuffix("; Path=/; Secure; HttpOnly; SameSite=Lax"))
        #expect(read("prefs=\(try #require(cookieValue(field, name: "prefs")))") == "dark")
    }
}

extension Process {
    /// Runs a program and returns its standard output.
    static func run(_ path: String, _ arguments: [String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data((input ?? "").utf8))
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
