import HearthFastCGI
import NIOCore
import Testing

@Suite("FastCGI 1.0 §3.4 name-value pairs")
struct NameValuePairTests {
    let codec = FastCGINameValuePairs()

    @Test("§3.4 short name and value: 1-byte lengths")
    func short() throws {
        let encoded = try codec.encode([("A", "bc"), ("", "")])
        #expect(bytes(encoded) == [1, 2, 0x41, 0x62, 0x63, 0, 0])
        let decoded = try codec.decode(encoded)
        #expect(decoded.map(\.0) == ["A", ""])
        #expect(decoded.map(\.1) == ["bc", ""])
    }

    @Test("§3.4 a 127-byte name has a 1-byte length, a 128-byte name a 4-byte one")
    func lengthBoundary() throws {
        let name127 = String(repeating: "n", count: 127)
        let e127 = bytes(try codec.encode([(name127, "v")]))
        #expect(Array(e127.prefix(2)) == [127, 1])
        #expect(e127.count == 2 + 127 + 1)

        let name128 = String(repeating: "n", count: 128)
        let e128 = bytes(try codec.encode([(name128, "v")]))
        #expect(Array(e128.prefix(5)) == [0x80, 0, 0, 128, 1])
        #expect(e128.count == 5 + 128 + 1)

        let value300 = String(repeating: "v", count: 300)
        let e300 = bytes(try codec.encode([("k", value300)]))
        #expect(Array(e300.prefix(5)) == [1, 0x80, 0, 0x01, 0x2C])

        let decoded = try codec.decode(try codec.encode([(name127, "v"), (name128, value300)]))
        #expect(decoded.map(\.0) == [name127, name128])
        #expect(decoded.map(\.1) == ["v", value300])
    }

    @Test("§3.4 a 4-byte length may encode a short length")
    func longFormShortLength() throws {
        let decoded = try codec.decode(buffer([0x80, 0, 0, 1, 1, 0x41, 0x42]))
        #expect(decoded.count == 1)
        #expect(decoded.first?.0 == "A")
        #expect(decoded.first?.1 == "B")
    }

    @Test("§3.4 UTF-8 lengths count bytes, not characters")
    func utf8() throws {
        let encoded = try codec.encode([("caf\u{e9}", "\u{1F525}")])
        #expect(Array(bytes(encoded).prefix(2)) == [5, 4])
        let decoded = try codec.decode(encoded)
        #expect(decoded.first?.0 == "caf\u{e9}")
        #expect(decoded.first?.1 == "\u{1F525}")
    }

    @Test("malformed: truncated lengths, names and values throw .truncated")
    func truncated() {
        let inputs: [[UInt8]] = [
            [0x80],  // 4-byte name length cut after 1 byte
            [0x80, 0, 0],  // … after 3 bytes
            [1, 0x80, 0],  // 4-byte value length cut
            [1],  // no value length at all
            [5, 0, 0x41],  // name beyond the data
            [1, 5, 0x41, 0x42],  // value beyond the data
            [0xFF, 0xFF, 0xFF, 0xFF, 0],  // 2³¹−1-byte name, nothing there
        ]
        let lenient = FastCGINameValuePairs(maxCount: 10, maxTotalBytes: Int.max)
        for input in inputs {
            #expect(throws: FastCGINameValuePairsError.truncated) { try lenient.decode(buffer(input)) }
        }
    }

    @Test("caps: pair count and total size throw, before reading")
    func caps() throws {
        let capped = FastCGINameValuePairs(maxCount: 3, maxTotalBytes: 16)
        let four = try FastCGINameValuePairs().encode([("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")])
        #expect(throws: FastCGINameValuePairsError.tooManyPairs(limit: 3)) { try capped.decode(four) }
        #expect(throws: FastCGINameValuePairsError.tooManyPairs(limit: 3)) {
            try capped.encode([("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")])
        }
        #expect(try capped.decode(try capped.encode([("a", "1"), ("b", "2"), ("c", "3")])).count == 3)

        // A huge announced length is refused by the size cap, not allocated.
        #expect(throws: FastCGINameValuePairsError.tooLarge(limit: 16)) {
            try capped.decode(buffer([0xFF, 0xFF, 0xFF, 0xFF, 0]))
        }
        #expect(throws: FastCGINameValuePairsError.tooLarge(limit: 16)) {
            try capped.encode([(String(repeating: "x", count: 10), String(repeating: "y", count: 7))])
        }
        // Many empty pairs still count against the pair cap.
        #expect(throws: FastCGINameValuePairsError.tooManyPairs(limit: 3)) {
            try capped.decode(buffer([UInt8](repeating: 0, count: 200)))
        }
    }

    @Test("never crashes on arbitrary bytes")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<40, using: &generator)
            let input = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            _ = try? codec.decode(buffer(input))
        }
    }
}
