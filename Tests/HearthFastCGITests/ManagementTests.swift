import HearthFastCGI
import NIOCore
import Testing

struct UnknownTypeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let type: UInt8
    let requestID: UInt16
    var testDescription: String { name }
}

@Suite("FastCGI 1.0 §4 management records")
struct ManagementTests {
    static func pair(_ name: String, _ value: String) -> [UInt8] {
        [UInt8(name.utf8.count), UInt8(value.utf8.count)] + Array(name.utf8) + Array(value.utf8)
    }

    static let queryContent = pair("FCGI_MAX_CONNS", "") + pair("FCGI_MAX_REQS", "") + pair("FCGI_MPXS_CONNS", "")
        + pair("FCGI_UNKNOWN", "") + pair("FCGI_MAX_REQS", "")

    @Test("§4.1 GET_VALUES round trip, exact bytes: known names answered once from configuration, unknown names omitted")
    func getValuesRoundTrip() throws {
        let names = ["FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS", "FCGI_UNKNOWN", "FCGI_MAX_REQS"]
        let query = try FastCGIGetValues(names: names).record()
        let queryBytes = bytes(query.encoded)
        #expect(Self.queryContent.count == 77)
        #expect(queryBytes == [1, 9, 0, 0, 0, 77, 3, 0] + Self.queryContent + [0, 0, 0])

        var child = Child(configuration: .init(maxConnections: 10, maxRequests: 50))
        let actions = try feed(queryBytes, to: &child)
        let answer = try #require(actions.first.flatMap(written))
        let answerContent = Self.pair("FCGI_MAX_CONNS", "10") + Self.pair("FCGI_MAX_REQS", "50") + Self.pair("FCGI_MPXS_CONNS", "0")
        #expect(answerContent.count == 53)
        #expect(answer == [1, 10, 0, 0, 0, 53, 3, 0] + answerContent + [0, 0, 0])

        var decoder = FastCGIRecordDecoder()
        var input = buffer(answer)
        let record = try #require(try decoder.decode(&input))
        let result = try FastCGIGetValuesResult(content: record.content)
        #expect(result["FCGI_MAX_CONNS"] == "10")
        #expect(result["FCGI_MAX_REQS"] == "50")
        #expect(result["FCGI_MPXS_CONNS"] == "0")
        #expect(result["FCGI_UNKNOWN"] == nil)
        #expect(try FastCGIGetValues(content: query.content).names == names)
    }

    @Test("§4.1 a GET_VALUES that is not a name list is answered with no values")
    func malformedQuery() throws {
        var child = Child()
        let actions = try feed(handRecord(9, id: 0, [0x80, 0, 0]), to: &child)
        #expect(actions.first.flatMap(written) == [1, 10, 0, 0, 0, 0, 0, 0])
    }

    @Test(
        "§4.2 FCGI_UNKNOWN_TYPE {T}, always on request id 0",
        arguments: [
            UnknownTypeCase(name: "type 12 on the null id", type: 12, requestID: 0),
            UnknownTypeCase(name: "type 12 on request 1", type: 12, requestID: 1),
            UnknownTypeCase(name: "type 255 on the null id", type: 255, requestID: 0),
            UnknownTypeCase(name: "GET_VALUES on request 1: management types use the null id", type: 9, requestID: 1),
            UnknownTypeCase(name: "UNKNOWN_TYPE on request 3", type: 11, requestID: 3),
            UnknownTypeCase(name: "GET_VALUES_RESULT on the null id: the application never reads it", type: 10, requestID: 0),
            UnknownTypeCase(name: "STDIN on the null id: not a management type", type: 5, requestID: 0),
            UnknownTypeCase(name: "BEGIN_REQUEST on the null id", type: 1, requestID: 0),
        ]
    )
    func unknownType(_ testCase: UnknownTypeCase) throws {
        var child = Child()
        let actions = try feed(beginBytes(id: 1, keep: true) + handRecord(testCase.type, id: testCase.requestID, [0, 0, 0, 0, 0, 0, 0, 0]), to: &child)
        #expect(actions.count == 2)
        #expect(actions.last.flatMap(written) == [1, 11, 0, 0, 0, 8, 0, 0, testCase.type, 0, 0, 0, 0, 0, 0, 0])
        #expect(child.activeRequestID == 1)  // the request is untouched
    }

    @Test("§4.2 UNKNOWN_TYPE body decodes (host side), and refuses a wrong length")
    func unknownTypeBody() throws {
        #expect(try FastCGIUnknownType(content: buffer([12, 0, 0, 0, 0, 0, 0, 0])).type == 12)
        #expect(throws: FastCGIBodyError.wrongLength(1)) { try FastCGIUnknownType(content: buffer([12])) }
    }

    @Test("§3.3 a management record that cannot fit 65535 bytes is refused, not trapped on")
    func tooLong() {
        let long = String(repeating: "N", count: 40_000)
        #expect(throws: (any Error).self) { try FastCGIGetValues(names: [long, long]).record() }
        #expect(throws: FastCGIManagementError.contentTooLong(65_536)) {
            // 2 pairs of 5 + 5 length bytes: 65526 name bytes + 10 = 65536 content bytes, one over.
            try FastCGIGetValuesResult(values: [(String(repeating: "a", count: 32_763), ""), (String(repeating: "b", count: 32_763), "")]).record()
        }
    }
}
