import HearthSessions
import Testing

/// SECURITY.md, guessable session ids: 192 random bits, not just 32
/// characters of the right alphabet. Every one of the 192 bits an id
/// carries must vary across ids, each set about half the time; an id with
/// a constant or missing part (128 bits padded to the shape, a counter, a
/// timestamp) fails here while it would pass a shape check.
@Suite struct SessionIDTests {
    @Test func everyOneOf192BitsIsRandom() throws {
        let count = 4096
        var ones = [Int](repeating: 0, count: 192)
        var seen = Set<String>()
        for _ in 0..<count {
            let id = SessionID.random()
            seen.insert(id.text)
            let bytes = try #require(Self.decode(id.text), "not base64url: \(id.text)")
            try #require(bytes.count == 24)
            for bit in 0..<192 where bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 { ones[bit] += 1 }
        }
        #expect(seen.count == count, "ids repeat")
        // Binomial(4096, 1/2): σ = 32, so 1,448...2,648 is ±18σ: a fair
        // bit never falls outside, a fixed or biased one always does.
        let biased = ones.indices.filter { !(1448...2648).contains(ones[$0]) }
        #expect(biased.isEmpty, "bits that are not random: \(biased.map { "\($0): \(ones[$0]) of \(count)" })")
    }

    /// Base64url without padding (RFC 4648 §5), decoded here rather than by
    /// the code under test.
    static func decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var bits = 0, bitCount = 0
        var bytes: [UInt8] = []
        for character in text.utf8 {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            bits = ((bits << 6) | value) & 0xFFFF
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                bytes.append(UInt8((bits >> bitCount) & 0xFF))
            }
        }
        return bytes
    }
}
