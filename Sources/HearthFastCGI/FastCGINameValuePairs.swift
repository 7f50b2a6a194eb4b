import NIOCore

/// Why bytes are not an acceptable FastCGI 1.0 name-value pair list (§3.4).
public enum FastCGINameValuePairsError: Error, Sendable, Equatable {
    /// The bytes end inside a length or a name or value.
    case truncated
    /// More pairs than the decoder's or encoder's cap.
    case tooManyPairs(limit: Int)
    /// More name and value bytes in total than the cap.
    case tooLarge(limit: Int)
    /// A name or value longer than 2³¹−1 bytes, which no 4-byte length can carry (§3.4).
    case lengthUnrepresentable(Int)
}

/// FastCGI 1.0 name-value pairs (§3.4), as used by PARAMS (§5.2) and GET_VALUES (§4.1).
public struct FastCGINameValuePairs: Sendable {
    /// Default cap on the number of pairs.
    public static let defaultMaxCount = 1024
    /// Default cap on the name and value bytes of all pairs together.
    public static let defaultMaxTotalBytes = 1 << 20
    /// The largest length a 4-byte length field holds: 31 bits (§3.4).
    public static let maxLength = Int(Int32.max)

    /// The most pairs accepted.
    public var maxCount: Int
    /// The most name-plus-value bytes accepted over all pairs.
    public var maxTotalBytes: Int

    /// A codec with caps on pair count and total size.
    public init(maxCount: Int = defaultMaxCount, maxTotalBytes: Int = defaultMaxTotalBytes) {
        self.maxCount = maxCount
        self.maxTotalBytes = maxTotalBytes
    }

    /// Appends one length (§3.4): one byte below 128, else four bytes big-endian with the high bit set.
    static func writeLength(_ length: Int, into buffer: inout ByteBuffer) throws {
        if length < 0x80 {
            buffer.writeInteger(UInt8(length))
        } else if length <= maxLength {
            buffer.writeInteger(UInt32(length) | 0x8000_0000, endianness: .big)
        } else {
            throw FastCGINameValuePairsError.lengthUnrepresentable(length)
        }
    }

    /// Reads one length (§3.4), or nil if the buffer ends inside it.
    static func readLength(from buffer: inout ByteBuffer) -> Int? {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        if first & 0x80 == 0 {
            buffer.moveReaderIndex(forwardBy: 1)
            return Int(first)
        }
        guard let word = buffer.readInteger(endianness: .big, as: UInt32.self) else { return nil }
        return Int(word & 0x7FFF_FFFF)
    }

    /// Appends `pairs` in the §3.4 encoding, enforcing the caps.
    public func encode(_ pairs: [(String, String)], into buffer: inout ByteBuffer) throws {
        guard pairs.count <= maxCount else { throw FastCGINameValuePairsError.tooManyPairs(limit: maxCount) }
        var total = 0
        for (name, value) in pairs {
            total += name.utf8.count + value.utf8.count
            guard total <= maxTotalBytes else { throw FastCGINameValuePairsError.tooLarge(limit: maxTotalBytes) }
        }
        for (name, value) in pairs {
            try Self.writeLength(name.utf8.count, into: &buffer)
            try Self.writeLength(value.utf8.count, into: &buffer)
            buffer.writeString(name)
            buffer.writeString(value)
        }
    }

    /// The §3.4 encoding of `pairs` as a fresh buffer.
    public func encode(_ pairs: [(String, String)]) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try encode(pairs, into: &buffer)
        return buffer
    }

    /// Every pair in `buffer`'s readable bytes, in order (§3.4); names and values decode as UTF-8, invalid bytes repaired.
    public func decode(_ buffer: ByteBuffer) throws -> [(String, String)] {
        var buffer = buffer
        var pairs: [(String, String)] = []
        var total = 0
        while buffer.readableBytes > 0 {
            guard pairs.count < maxCount else { throw FastCGINameValuePairsError.tooManyPairs(limit: maxCount) }
            guard let nameLength = Self.readLength(from: &buffer),
                let valueLength = Self.readLength(from: &buffer)
            else { throw FastCGINameValuePairsError.truncated }
            // Check sizes before reading: lengths are attacker-controlled, up to 2³¹−1 each.
            total += nameLength + valueLength
            guard total <= maxTotalBytes else { throw FastCGINameValuePairsError.tooLarge(limit: maxTotalBytes) }
            guard nameLength + valueLength <= buffer.readableBytes,
                let name = buffer.readString(length: nameLength),
                let value = buffer.readString(length: valueLength)
            else { throw FastCGINameValuePairsError.truncated }
            pairs.append((name, value))
        }
        return pairs
    }
}
