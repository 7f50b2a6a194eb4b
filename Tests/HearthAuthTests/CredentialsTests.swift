@testable import HearthAuth
import Testing

/// RFC 7617 §2: `Authorization: Basic base64(user-id ":" password)`.
@Suite struct CredentialsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var field: String
        var expected: BasicCredentials?
        var testDescription: String { name }
        init(_ name: String, _ field: String, _ expected: (String, String)?) {
            self.name = name
            self.field = field
            self.expected = expected.map { BasicCredentials(user: $0.0, password: $0.1) }
        }
    }

    static let cases: [Case] = [
        .init("§2 example: Aladdin", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", ("Aladdin", "open sesame")),
        .init("RFC 7235 §2.1: the scheme is case-insensitive", "bAsIc QWxhZGRpbjpvcGVuIHNlc2FtZQ==", ("Aladdin", "open sesame")),
        .init("surrounding and separating blanks", "  Basic \t QWxhZGRpbjpvcGVuIHNlc2FtZQ==  ", ("Aladdin", "open sesame")),
        .init("§2: split at the first colon; the password may hold more", "Basic dTpwOnE6cg==", ("u", "p:q:r")),
        .init("empty password", "Basic dTo=", ("u", "")),
        .init("empty user-id", "Basic OnA=", ("", "p")),
        .init("§2.1 charset UTF-8: test:123£", "Basic dGVzdDoxMjPCow==", ("test", "123£")),
        .init("unpadded base64", "Basic dTpw", ("u", "p")),
        .init("no colon", "Basic dXNlcg==", nil),
        .init("another scheme", "Bearer dTpw", nil),
        .init("scheme only", "Basic", nil),
        .init("scheme as prefix of a word", "Basicx dTpw", nil),
        .init("not base64", "Basic ???", nil),
        .init("base64 with a space inside", "Basic dT pw", nil),
        .init("bad padding", "Basic dTo==", nil),
        .init("non-zero leftover bits", "Basic dTp=", nil),
        .init("invalid UTF-8 (Latin-1 £)", "Basic dGVzdDoxMjOj", nil),
        .init("§2: control characters", "Basic dQp4OnA=", nil),
        .init("empty", "", nil),
    ]

    @Test(arguments: cases)
    func parses(_ test: Case) {
        #expect(BasicCredentials(authorization: test.field) == test.expected)
    }

    @Test(arguments: ["", "f", "fo", "foo", "foob", "fooba", "foobar", "u:p\u{e9}"])
    func base64RoundTrips(text: String) {
        // RFC 4648 §10 test vectors, and back.
        let encoded = Base64.encode(Array(text.utf8))
        #expect(text.isEmpty ? encoded == "" : Base64.decode(encoded[...]) == Array(text.utf8))
    }

    @Test func rfc4648Vectors() {
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fooba".utf8)) == "Zm9vYmE=")
        #expect(Base64.encode(Array("foob".utf8)) == "Zm9vYg==")
    }

    @Test func challengeQuotesTheRealm() {
        #expect(BasicAuthentication.challengeValue(realm: #"Staff "only" \ here"#) == #"Basic realm="Staff \"only\" \\ here", charset="UTF-8""#)
    }
}
