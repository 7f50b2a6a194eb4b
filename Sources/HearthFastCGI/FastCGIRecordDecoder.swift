import NIOCore

/// Why bytes off the wire are not a FastCGI 1.0 record stream (§3.3).
public enum FastCGIRecordDecoderError: Error, Sendable, Equatable {
    /// The header's version byte is not FCGI_VERSION_1 (§3.3, §8).
    case unsupportedVersion(UInt8)
    /// The header announces more content than this decoder accepts.
    case contentTooLong(length: Int, limit: Int)
}

/// Incremental FastCGI 1.0 record decoder (§3.3): feed it bytes as they arrive, take whole records out.
public struct FastCGIRecordDecoder: Sendable {
    /// The most content bytes one record may announce; at most 65535 (§3.3).
    public let maxContentLength: Int

    /// A decoder; `maxContentLength` is clamped to 0…65535.
    public init(maxContentLength: Int = FastCGIRecord.maxContentLength) {
        self.maxContentLength = max(0, min(maxContentLength, FastCGIRecord.maxContentLength))
    }

    /// The next whole record, consuming it (padding included) from `buffer`; nil, consuming nothing, until one is there.
    public mutating func decode(_ buffer: inout ByteBuffer) throws -> FastCGIRecord? {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= FastCGIRecord.headerLength,
            let version = buffer.getInteger(at: start, as: UInt8.self),
            let type = buffer.getInteger(at: start + 1, as: UInt8.self),
            let requestID = buffer.getInteger(at: start + 2, endianness: .big, as: UInt16.self),
            let contentLength = buffer.getInteger(at: start + 4, endianness: .big, as: UInt16.self),
            let paddingLength = buffer.getInteger(at: start + 6, as: UInt8.self)
        else { return nil }
        // §3.3 documents FCGI_VERSION_1 only: another version's framing is unknown, so refuse (before waiting for the body).
        guard version == FastCGIRecord.version else {
            throw FastCGIRecordDecoderError.unsupportedVersion(version)
        }
        let length = Int(contentLength)
        guard length <= maxContentLength else {
            throw FastCGIRecordDecoderError.contentTooLong(length: length, limit: maxContentLength)
        }
        let total = FastCGIRecord.headerLength + length + Int(paddingLength)
        guard buffer.readableBytes >= total,
            let content = buffer.getSlice(at: start + FastCGIRecord.headerLength, length: length)
        else { return nil }
        buffer.moveReaderIndex(forwardBy: total)
        return FastCGIRecord(type: .init(rawValue: type), requestID: requestID, content: content)
    }

    /// Every whole record in `buffer`, leaving any partial record's bytes in it.
    public mutating func decodeAll(_ buffer: inout ByteBuffer) throws -> [FastCGIRecord] {
        var records: [FastCGIRecord] = []
        while let record = try decode(&buffer) { records.append(record) }
        return records
    }
}
