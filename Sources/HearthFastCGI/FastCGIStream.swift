import NIOCore

/// FastCGI 1.0 byte streams (§5.3) and the PARAMS stream (§5.2): records of at most 65535 bytes, then an empty one.
public enum FastCGIStream {
    /// `body` as `type` records of at most `maxChunk` (≤ 65535) bytes each, then the empty end-of-stream record (§3.3, §5.3).
    public static func records(
        type: FastCGIRecord.RecordType,
        requestID: UInt16,
        body: ByteBuffer,
        maxChunk: Int = FastCGIRecord.maxContentLength
    ) -> [FastCGIRecord] {
        let chunk = max(1, min(maxChunk, FastCGIRecord.maxContentLength))
        var body = body
        var records: [FastCGIRecord] = []
        records.reserveCapacity(body.readableBytes / chunk + 2)
        while body.readableBytes > 0, let slice = body.readSlice(length: min(chunk, body.readableBytes)) {
            records.append(FastCGIRecord(type: type, requestID: requestID, content: slice))
        }
        records.append(FastCGIRecord(type: type, requestID: requestID))
        return records
    }

    /// Writes `records(type:requestID:body:)` into `buffer`, padded to 8 (§3.3).
    public static func write(
        type: FastCGIRecord.RecordType,
        requestID: UInt16,
        body: ByteBuffer,
        into buffer: inout ByteBuffer
    ) {
        for record in records(type: type, requestID: requestID, body: body) {
            record.write(into: &buffer)
        }
    }
}
