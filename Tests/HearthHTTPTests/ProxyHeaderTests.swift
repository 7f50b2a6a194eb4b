@testable import HearthHTTP
import Testing

/// The PROXY protocol header, v1 text and v2 binary, as HAProxy sends it
/// (proxy-protocol.txt §2.1, §2.2); every byte count short of a header
/// asks for more, never guesses.
@Suite struct ProxyHeaderTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func v2(command: UInt8, family: UInt8, body: [UInt8]) -> [UInt8] {
        ProxyHeader.signature + [0x20 | command, family, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
    }

    static let v2TCP4 = v2(command: 1, family: 0x11, body: [192, 0, 2, 1, 198, 51, 100, 1, 0xDC, 0x04, 0x01, 0xBB])
    static let v2TCP6 = v2(command: 1, family: 0x21, body: [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [7] + Array(repeating: 0, count: 16) + [0x12, 0x67, 0x01, 0xBB])

    @Test(arguments: [
        (bytes("PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\nGET"), ProxyHeader.Parse.header(.client(address: "192.0.2.1", port: 56324), length: 45)),
        (bytes("PROXY TCP6 2001:db8::7 2001:db8::1 4711 443\r\n"), .header(.client(address: "2001:db8::7", port: 4711), length: 45)),
        (bytes("PROXY UNKNOWN\r\n"), .header(.local, length: 15)),
        (v2TCP4 + bytes("GET"), .header(.client(address: "192.0.2.1", port: 56324), length: 28)),
        (v2TCP6, .header(.client(address: "2001:db8::7", port: 4711), length: 52)),
        (v2(command: 0, family: 0, body: []), .header(.local, length: 16)),
    ] as [([UInt8], ProxyHeader.Parse)])
    func aWholeHeaderNamesTheClient(bytes: [UInt8], expected: ProxyHeader.Parse) {
        #expect(ProxyHeader.parse(bytes[...]) == expected)
    }

    @Test func everyPrefixOfAHeaderAsksForMore() {
        for header in [Self.bytes("PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n"), Self.v2TCP4, Self.v2TCP6] {
            for cut in 1..<header.count {
                #expect(ProxyHeader.parse(header.prefix(cut)) == .needMore, "cut at \(cut)")
            }
        }
    }

    @Test(arguments: [
        "GET / HTTP/1.1\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.1 56324\r\n",
        "PROXY TCP4 example.org 198.51.100.1 56324 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.1 99999 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\n\n",
        "PROXY " + String(repeating: "1", count: 120),
    ])
    func anythingElseIsRefused(text: String) {
        guard case .invalid = ProxyHeader.parse(Self.bytes(text)[...]) else {
            Issue.record("accepted: \(text.debugDescription)")
            return
        }
    }

    @Test func aV2HeaderOfAnotherVersionIsRefused() {
        var header = Self.v2TCP4
        header[12] = 0x11
        guard case .invalid = ProxyHeader.parse(header[...]) else {
            Issue.record("accepted version 1 in a v2 header")
            return
        }
    }
}
