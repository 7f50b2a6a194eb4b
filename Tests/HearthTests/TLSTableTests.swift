@testable import HearthTLS
import Testing

/// The pure pieces of HearthTLS: which certificate a SNI name gets, and
/// the suite read out of a ServerHello (SSL_CIPHER).
struct TLSTableTests {
    @Test(arguments: [
        ("www.b.example", true), ("WWW.B.Example", true), ("b.example", false), ("a.www.b.example", false),
        (".b.example", false), ("other.example", true), ("x.other.example", false),
    ])
    func sniNames(host: String, served: Bool) {
        let files = TLSCertificateFiles(names: ["*.b.example", "Other.Example"])
        #expect(files.serves(host) == served)
    }

    /// A ServerHello record up to its cipher suite: record header,
    /// handshake header, version, random, session id.
    static func serverHello(sessionID: Int, suite: UInt16) -> [UInt8] {
        [22, 3, 3, 0, 0, 2, 0, 0, 0, 3, 3] + [UInt8](repeating: 7, count: 32) + [UInt8(sessionID)]
            + [UInt8](repeating: 9, count: sessionID) + [UInt8(suite >> 8), UInt8(suite & 0xFF), 0]
    }

    @Test func theSuiteIsReadAfterTheSessionID() {
        #expect(ServerHelloCipher.suite(in: Self.serverHello(sessionID: 32, suite: 0x1301)) == 0x1301)
        #expect(ServerHelloCipher.suite(in: Self.serverHello(sessionID: 0, suite: 0xC02B)) == 0xC02B)
        #expect(ServerHelloCipher.name(of: 0xC02B) == "ECDHE-ECDSA-AES128-GCM-SHA256")
        #expect(ServerHelloCipher.name(of: 0x009C) == "0x9C")
    }

    @Test func whatIsNotAWholeServerHelloGivesNothing() {
        let hello = Self.serverHello(sessionID: 32, suite: 0x1301)
        // Every cut short of the suite's second byte.
        for length in 0..<(44 + 32 + 2) { #expect(ServerHelloCipher.suite(in: hello.prefix(length)) == nil, "cut at \(length)") }
        var alert = hello
        alert[0] = 21
        #expect(ServerHelloCipher.suite(in: alert) == nil)
        var clientHello = hello
        clientHello[5] = 1
        #expect(ServerHelloCipher.suite(in: clientHello) == nil)
        var overlong = hello
        overlong[43] = 33
        #expect(ServerHelloCipher.suite(in: overlong) == nil)
    }
}
