import HearthConformanceKit
import Testing

@Suite struct TargetTests {
    @Test(arguments: [
        ("http://127.0.0.1:8080/cgi-bin/", "127.0.0.1", 8080, "/cgi-bin", "127.0.0.1:8080"),
        ("http://[::1]:9000/scripts", "::1", 9000, "/scripts", "[::1]:9000"),
        ("http://localhost/cgi-bin/", "localhost", 80, "/cgi-bin", "localhost"),
    ])
    func parsesTargets(url: String, host: String, port: Int, base: String, header: String) throws {
        let target = try #require(ConformanceTarget(url: url))
        #expect(target.host == host)
        #expect(target.port == port)
        #expect(target.base == base)
        #expect(target.hostHeader == header)
    }

    @Test func rejectsWhatIsNotAnHTTPURL() {
        #expect(ConformanceTarget(url: "https://x/cgi-bin/") == nil)
        #expect(ConformanceTarget(url: "127.0.0.1:8080") == nil)
    }
}

@Suite struct WireBytesTests {
    static let target = ConformanceTarget(host: "127.0.0.1", port: 8080, base: "/cgi-bin")

    @Test func headLinesGetCRLFAndABlankLineThenTheBodyAsWritten() {
        var item = ConformanceCase(id: "x", section: "§1", sentence: "s", class: .must, expect: Expectation())
        item.request = "POST {base}/echo.sh HTTP/1.1\nHost: {host}\n"
        item.body = "a\nb"
        #expect(String(decoding: item.wireBytes(for: Self.target), as: UTF8.self) == "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\na\nb")
    }

    @Test func rawIsSentExactly() {
        var item = ConformanceCase(id: "x", section: "§1", sentence: "s", class: .must, expect: Expectation())
        item.raw = "GET {base}/x HTTP/1.0\n\n"
        #expect(item.wireBytes(for: Self.target) == Array("GET /cgi-bin/x HTTP/1.0\n\n".utf8))
    }

    @Test func repeatsAreExpandedInBodyAndRaw() {
        var item = ConformanceCase(id: "x", section: "§1", sentence: "s", class: .must, expect: Expectation())
        item.request = "POST / HTTP/1.1"
        item.body = "5;{repeat 4 ab}\r\n{repeat 3 0}5{repeat x y}"
        #expect(String(decoding: item.wireBytes(for: Self.target), as: UTF8.self) == "POST / HTTP/1.1\r\n\r\n5;abababab\r\n0005{repeat x y}")
        item.raw = "{repeat 2 GET}"
        #expect(item.wireBytes(for: Self.target) == Array("GETGET".utf8))
    }
}

@Suite struct SelectionTests {
    static func item(_ id: String, _ kind: ConformanceCase.Class) -> ConformanceCase {
        ConformanceCase(id: id, section: "§", sentence: "s", class: kind, request: "GET / HTTP/1.1", expect: Expectation())
    }

    @Test func onlyAndSkipTakeIdsPrefixesAndClasses() {
        let cases = [Self.item("meta.a", .must), Self.item("meta.b", .should), Self.item("nph.a", .security)]
        #expect(CaseLoader.select(cases, only: ["meta."], skip: []).map(\.id) == ["meta.a", "meta.b"])
        #expect(CaseLoader.select(cases, only: ["SECURITY"], skip: []).map(\.id) == ["nph.a"])
        #expect(CaseLoader.select(cases, only: [], skip: ["meta.b", "security"]).map(\.id) == ["meta.a"])
    }
}
