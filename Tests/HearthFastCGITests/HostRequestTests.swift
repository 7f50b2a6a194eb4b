import HearthFastCGI
import NIOCore
import Testing

/// The host (web server) side of a request in the Responder role (§6.2):
/// what it sends, byte for byte, and how it reads the application's answer.
@Suite("FastCGI host request")
struct HostRequestTests {
    @Test("§5.1 + §5.2: BEGIN_REQUEST with KEEP_CONN, then PARAMS and its empty terminator")
    func head() throws {
        var buffer = ByteBuffer()
        try FastCGIHostRequest(keepConnection: true).writeHead(params: [("A", "bc")], into: &buffer)
        let params: [UInt8] = [1, 2, 0x41, 0x62, 0x63]
        #expect(bytes(buffer) == handRecord(1, id: 1, [0, 1, 1, 0, 0, 0, 0, 0]) + handRecord(4, id: 1, params) + handRecord(4, id: 1, []))
    }

    @Test("§5.1: without KEEP_CONN the flags byte is 0")
    func noKeepConnection() throws {
        var buffer = ByteBuffer()
        try FastCGIHostRequest(requestID: 7, keepConnection: false).writeHead(params: [], into: &buffer)
        #expect(bytes(buffer) == handRecord(1, id: 7, [0, 1, 0, 0, 0, 0, 0, 0]) + handRecord(4, id: 7, []))
    }

    @Test("§5.3: a body piece of 70,000 bytes is two STDIN records (65,535 + 4,465); an empty piece writes nothing")
    func stdinSplit() {
        let request = FastCGIHostRequest(keepConnection: true)
        var buffer = ByteBuffer()
        request.writeStdin(ByteBuffer(repeating: 0x78, count: 70_000), into: &buffer)
        request.writeStdin(ByteBuffer(), into: &buffer)
        let expected = handRecord(5, id: 1, [UInt8](repeating: 0x78, count: 65_535)) + handRecord(5, id: 1, [UInt8](repeating: 0x78, count: 4_465))
        #expect(bytes(buffer).elementsEqual(expected))
    }

    @Test("§5.3 and §5.4: the end of STDIN is an empty record; ABORT_REQUEST has no body")
    func endAndAbort() {
        let request = FastCGIHostRequest(requestID: 2, keepConnection: true)
        var buffer = ByteBuffer()
        request.writeEndOfStdin(into: &buffer)
        request.writeAbort(into: &buffer)
        #expect(bytes(buffer) == header(5, id: 2, length: 0, padding: 0) + header(2, id: 2, length: 0, padding: 0))
    }

    @Test("§6.2: STDOUT and STDERR bytes come through; empty terminators and other ids are not events; END_REQUEST ends it")
    func receive() throws {
        var request = FastCGIHostRequest(keepConnection: true)
        let stdout = FastCGIRecord(type: .stdout, requestID: 1, content: ByteBuffer(string: "Status: 200\r\n\r\n"))
        #expect(try request.receive(stdout) == .stdout(ByteBuffer(string: "Status: 200\r\n\r\n")))
        #expect(try request.receive(FastCGIRecord(type: .stderr, requestID: 1, content: ByteBuffer(string: "oops"))) == .stderr(ByteBuffer(string: "oops")))
        #expect(try request.receive(FastCGIRecord(type: .stdout, requestID: 1)) == nil)
        #expect(try request.receive(FastCGIRecord(type: .stdout, requestID: 9, content: ByteBuffer(string: "x"))) == nil)
        #expect(try request.receive(FastCGIRecord(type: .unknownType, requestID: 0, content: ByteBuffer(repeating: 0, count: 8))) == nil)
        let end = FastCGIEndRequest(appStatus: 3).record(requestID: 1)
        #expect(try request.receive(end) == .end(FastCGIEndRequest(appStatus: 3)))
        #expect(request.isEnded)
    }

    @Test("an answer that breaks the protocol is an error, not silence")
    func violations() throws {
        var request = FastCGIHostRequest(keepConnection: true)
        #expect(throws: FastCGIHostRequestError.unexpectedRecord(.params)) {
            try request.receive(FastCGIRecord(type: .params, requestID: 1, content: ByteBuffer(string: "x")))
        }
        #expect(throws: FastCGIHostRequestError.malformedEndRequest) {
            try request.receive(FastCGIRecord(type: .endRequest, requestID: 1, content: ByteBuffer(repeating: 0, count: 3)))
        }
        _ = try request.receive(FastCGIEndRequest(appStatus: 0).record(requestID: 1))
        #expect(throws: FastCGIHostRequestError.recordAfterEnd(.stdout)) {
            try request.receive(FastCGIRecord(type: .stdout, requestID: 1, content: ByteBuffer(string: "late")))
        }
    }
}
