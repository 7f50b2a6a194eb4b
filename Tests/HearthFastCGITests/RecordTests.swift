import HearthFastCGI
import NIOCore
import Testing

struct RecordCase: Sendable, CustomTestStringConvertible {
    let name: String
    let record: FastCGIRecord
    let expected: [UInt8]
    var testDescription: String { name }
}

let recordCases: [RecordCase] = [
    .init(
        name: "§5.1 BEGIN_REQUEST, request 1, RESPONDER, KEEP_CONN",
        record: FastCGIBeginRequest(role: .responder, keepConnection: true).record(requestID: 1),
        expected: [1, 1, 0, 1, 0, 8, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]),
    .init(
        name: "§5.1 BEGIN_REQUEST, request 0x1234, FILTER, no flags",
        record: FastCGIBeginRequest(role: .filter, keepConnection: false).record(requestID: 0x1234),
        expected: [1, 1, 0x12, 0x34, 0, 8, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0]),
    .init(
        name: "§5.5 END_REQUEST, request 1, appStatus 0x01020304, REQUEST_COMPLETE",
        record: FastCGIEndRequest(appStatus: 0x0102_0304).record(requestID: 1),
        expected: [1, 3, 0, 1, 0, 8, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0]),
    .init(
        name: "§5.5 END_REQUEST, OVERLOADED",
        record: FastCGIEndRequest(appStatus: 0, protocolStatus: .overloaded).record(requestID: 2),
        expected: [1, 3, 0, 2, 0, 8, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]),
    .init(
        name: "§5.3 empty STDIN record ends the stream",
        record: FastCGIRecord(type: .stdin, requestID: 1),
        expected: [1, 5, 0, 1, 0, 0, 0, 0]),
    .init(
        name: "§3.3 STDOUT of 3 bytes is padded with 5 zeros",
        record: FastCGIRecord(type: .stdout, requestID: 1, content: buffer([0x61, 0x62, 0x63])),
        expected: [1, 6, 0, 1, 0, 3, 5, 0, 0x61, 0x62, 0x63, 0, 0, 0, 0, 0]),
    .init(
        name: "§3.3 8 content bytes need no padding",
        record: FastCGIRecord(type: .stderr, requestID: 0xFFFF, content: buffer([UInt8](repeating: 7, count: 8))),
        expected: [1, 7, 0xFF, 0xFF, 0, 8, 0, 0] + [UInt8](repeating: 7, count: 8)),
    .init(
        name: "§5.4 ABORT_REQUEST has no content",
        record: FastCGIRecord(type: .abortRequest, requestID: 9),
        expected: [1, 2, 0, 9, 0, 0, 0, 0]),
    .init(
        name: "§4.2 UNKNOWN_TYPE, management request id 0",
        record: FastCGIRecord(type: .unknownType, requestID: 0, content: buffer([42, 0, 0, 0, 0, 0, 0, 0])),
        expected: [1, 11, 0, 0, 0, 8, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0]),
]

@Suite("FastCGI 1.0 §3.3 records")
struct RecordTests {
    @Test(arguments: recordCases)
    func encodesByteExact(_ testCase: RecordCase) throws {
        #expect(bytes(testCase.record.encoded) == testCase.expected)
        var decoder = FastCGIRecordDecoder()
        var input = buffer(testCase.expected)
        #expect(try decoder.decode(&input) == testCase.record)
        #expect(input.readableBytes == 0)
    }

    @Test("§8 every type byte round-trips")
    func typeBytes() {
        for raw in UInt8.min...UInt8.max {
            #expect(FastCGIRecord.RecordType(rawValue: raw).rawValue == raw)
        }
        #expect(FastCGIRecord.RecordType(rawValue: 1) == .beginRequest)
        #expect(FastCGIRecord.RecordType(rawValue: 11) == .unknownType)
        #expect(FastCGIRecord.RecordType(rawValue: 12) == .other(12))
        #expect(FastCGIRecord.RecordType.getValues.isManagement)
        #expect(!FastCGIRecord.RecordType.params.isManagement)
    }

    @Test("§3.3 padding rounds content up to a multiple of 8")
    func padding() {
        let expected = [0, 7, 6, 5, 4, 3, 2, 1, 0, 7]
        for (length, padding) in expected.enumerated() {
            #expect(FastCGIRecord.paddingLength(forContentLength: length) == padding)
        }
        #expect(FastCGIRecord.paddingLength(forContentLength: 65535) == 1)
    }

    @Test("§5.1 BEGIN_REQUEST and §5.5 END_REQUEST bodies decode, and reject a wrong length")
    func bodies() throws {
        let begin = try FastCGIBeginRequest(content: buffer([0, 2, 1, 0, 0, 0, 0, 0]))
        #expect(begin.role == .authorizer)
        #expect(begin.keepConnection)
        #expect(try FastCGIBeginRequest(content: buffer([0x12, 0x34, 0, 0, 0, 0, 0, 0])).role == .other(0x1234))
        let end = try FastCGIEndRequest(content: buffer([0xFF, 0xFF, 0xFF, 0xFF, 3, 0, 0, 0]))
        #expect(end == FastCGIEndRequest(appStatus: .max, protocolStatus: .unknownRole))
        #expect(try FastCGIEndRequest(content: buffer([0, 0, 0, 0, 1, 0, 0, 0])).protocolStatus == .cantMultiplexConnection)
        for length in [0, 3, 7, 9, 16] {
            let content = buffer([UInt8](repeating: 0, count: length))
            #expect(throws: FastCGIBodyError.wrongLength(length)) { try FastCGIBeginRequest(content: content) }
            #expect(throws: FastCGIBodyError.wrongLength(length)) { try FastCGIEndRequest(content: content) }
        }
    }
}
