import HearthFastCGI
import NIOCore
import Testing

@Suite("FastCGI 1.0 §5.3 streams and the incremental §3.3 decoder")
struct StreamAndDecoderTests {
    @Test("§5.3 a 70,000-byte body splits into 65535 + 4465 + the empty record")
    func split() throws {
        let body = buffer((0..<70_000).map { UInt8(truncatingIfNeeded: $0) })
        let records = FastCGIStream.records(type: .stdout, requestID: 3, body: body)
        #expect(records.map(\.content.readableBytes) == [65535, 4465, 0])
        #expect(records.allSatisfy { $0.type == .stdout && $0.requestID == 3 })
        var joined = ByteBuffer()
        for record in records { joined.writeImmutableBuffer(record.content) }
        #expect(joined == body)

        var wire = ByteBuffer()
        FastCGIStream.write(type: .stdin, requestID: 3, body: body, into: &wire)
        // 65535 pads by 1, 4465 pads by 7, the empty record not at all.
        #expect(wire.readableBytes == (8 + 65535 + 1) + (8 + 4465 + 7) + 8)
        var decoder = FastCGIRecordDecoder()
        let decoded = try decoder.decodeAll(&wire)
        #expect(decoded.map(\.content.readableBytes) == [65535, 4465, 0])
        #expect(decoded.allSatisfy { $0.type == .stdin })
        #expect(wire.readableBytes == 0)
    }

    @Test("§5.3 an empty body is just the terminator; exact multiples add no extra record")
    func edges() {
        #expect(FastCGIStream.records(type: .stdin, requestID: 1, body: ByteBuffer()).map(\.content.readableBytes) == [0])
        let exact = buffer([UInt8](repeating: 1, count: 65535 * 2))
        #expect(FastCGIStream.records(type: .stdin, requestID: 1, body: exact).map(\.content.readableBytes) == [65535, 65535, 0])
    }

    static func sampleRecords() throws -> [FastCGIRecord] {
        let params = try FastCGINameValuePairs().encode([("SCRIPT_NAME", "/x"), (String(repeating: "H", count: 200), "v")])
        return [FastCGIBeginRequest(role: .responder, keepConnection: true).record(requestID: 1)]
            + FastCGIStream.records(type: .params, requestID: 1, body: params)
            + FastCGIStream.records(type: .stdin, requestID: 1, body: buffer(Array("hello, world".utf8)))
            + [FastCGIRecord(type: .getValues, requestID: 0), FastCGIEndRequest(appStatus: 7).record(requestID: 1)]
    }

    @Test("§3.3 one byte at a time and all at once give the same records")
    func incremental() throws {
        let records = try Self.sampleRecords()
        var wire = ByteBuffer()
        for record in records { record.write(into: &wire) }

        var allAtOnce = wire
        var decoder = FastCGIRecordDecoder()
        let whole = try decoder.decodeAll(&allAtOnce)
        #expect(whole == records)
        #expect(allAtOnce.readableBytes == 0)

        var trickle = FastCGIRecordDecoder()
        var pending = ByteBuffer()
        var pieces: [FastCGIRecord] = []
        for byte in bytes(wire) {
            pending.writeInteger(byte)
            while let record = try trickle.decode(&pending) { pieces.append(record) }
        }
        #expect(pieces == records)
        #expect(pending.readableBytes == 0)
    }

    @Test("§3.3 a partial record consumes nothing")
    func partial() throws {
        let wire = bytes(FastCGIRecord(type: .stdout, requestID: 1, content: buffer([1, 2, 3])).encoded)
        var decoder = FastCGIRecordDecoder()
        for cut in 0..<wire.count {
            var input = buffer(Array(wire.prefix(cut)))
            #expect(try decoder.decode(&input) == nil)
            #expect(input.readableBytes == cut)
        }
    }

    @Test("malformed: version 2 throws, even with the body missing")
    func badVersion() {
        var decoder = FastCGIRecordDecoder()
        var input = buffer([2, 1, 0, 1, 0, 8, 0, 0])
        #expect(throws: FastCGIRecordDecoderError.unsupportedVersion(2)) { try decoder.decode(&input) }
        var zero = buffer([0, 6, 0, 1, 0, 0, 0, 0])
        #expect(throws: FastCGIRecordDecoderError.unsupportedVersion(0)) { try decoder.decode(&zero) }
    }

    @Test("malformed: content beyond the decoder's cap throws")
    func overCap() {
        var decoder = FastCGIRecordDecoder(maxContentLength: 1024)
        var input = buffer([1, 5, 0, 1, 0x04, 0x01, 0, 0])
        #expect(throws: FastCGIRecordDecoderError.contentTooLong(length: 1025, limit: 1024)) { try decoder.decode(&input) }
    }

    @Test("malformed: a length beyond the data waits, and never reads past it")
    func lengthBeyondData() throws {
        var decoder = FastCGIRecordDecoder()
        var input = buffer([1, 6, 0, 1, 0xFF, 0xFF, 0xFF, 0, 1, 2, 3])
        #expect(try decoder.decode(&input) == nil)
        #expect(input.readableBytes == 11)
    }

    @Test("§3.4 PARAMS content that lies about a length throws when decoded")
    func paramsLie() throws {
        var decoder = FastCGIRecordDecoder()
        var wire = FastCGIRecord(type: .params, requestID: 1, content: buffer([0x80, 0, 1, 0, 1, 0x41])).encoded
        let record = try #require(try decoder.decode(&wire))
        #expect(throws: FastCGINameValuePairsError.truncated) { try FastCGINameValuePairs().decode(record.content) }
    }

    @Test("never crashes on arbitrary bytes")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<64, using: &generator)
            var input = buffer((0..<count).map { index in
                index == 0 && Bool.random(using: &generator) ? 1 : UInt8.random(in: .min ... .max, using: &generator)
            })
            var decoder = FastCGIRecordDecoder(maxContentLength: Int.random(in: -5...70_000, using: &generator))
            _ = try? decoder.decodeAll(&input)
        }
    }
}
