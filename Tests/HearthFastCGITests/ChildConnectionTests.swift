import HearthFastCGI
import NIOCore
import Testing

@Suite("FastCGI 1.0 child side: one request, start to end")
struct ChildConnectionTests {
    // §5.2 one pair, REQUEST_METHOD=GET: lengths 14 and 3, then the bytes.
    static let paramsContent: [UInt8] = [14, 3] + Array("REQUEST_METHODGET".utf8)
    static func requestBytes(id: UInt16 = 1, keep: Bool) -> [UInt8] {
        beginBytes(id: id, keep: keep)
            + handRecord(4, id: id, paramsContent) + handRecord(4, id: id, [])
            + handRecord(5, id: id, Array("hi".utf8)) + handRecord(5, id: id, [])
    }
    static let expectedActions: [Child.Action] = [
        .none,
        .none,
        .requestStarted(requestID: 1, role: .responder, keepConnection: true, params: FastCGIParams([("REQUEST_METHOD", "GET")])),
        .stdin(requestID: 1, ByteBuffer(string: "hi")),
        .stdinEnded(requestID: 1),
    ]

    @Test("§5.1–§5.3 a full request, byte for byte, fed whole and one byte at a time", arguments: [Int.max, 1, 3, 7, 13])
    func fullRequest(chunk: Int) throws {
        var child = Child()
        let input = Self.requestBytes(keep: true)
        // The fixture is what a host writes: pinned to its exact length (16 + 32 + 8 + 16 + 8).
        #expect(input.count == 80)
        #expect(try feed(input, to: &child, chunk: chunk) == Self.expectedActions)

        // §5.3 STDOUT "ok", then §5.5 / appendix B: empty STDOUT, END_REQUEST {0, FCGI_REQUEST_COMPLETE}.
        #expect(wire(child.stdout(ByteBuffer(string: "ok"), requestID: 1)) == [1, 6, 0, 1, 0, 2, 6, 0, 0x6F, 0x6B, 0, 0, 0, 0, 0, 0])
        let end = child.endRequest(requestID: 1, appStatus: 0)
        #expect(wire(end.records) == [1, 6, 0, 1, 0, 0, 0, 0] + [1, 3, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(!end.closeConnection)
        #expect(child.activeRequestID == nil)
        #expect(!child.isClosed)
    }

    @Test("§5.1 without FCGI_KEEP_CONN the application closes after END_REQUEST; the id is reusable with it (§3.3)")
    func closesWithoutKeepConn() throws {
        var child = Child()
        _ = try feed(Self.requestBytes(keep: false), to: &child)
        let end = child.endRequest(requestID: 1, appStatus: 0x0102_0304)
        #expect(end.closeConnection)
        #expect(wire(end.records) == [1, 6, 0, 1, 0, 0, 0, 0] + endBytes(id: 1, appStatus: 0x0102_0304))
        #expect(child.isClosed)
        #expect(try feed(Self.requestBytes(keep: true), to: &child) == [.none, .none, .none, .none, .none])

        var kept = Child()
        _ = try feed(Self.requestBytes(keep: true), to: &kept)
        _ = kept.endRequest(requestID: 1, appStatus: 0)
        #expect(try feed(Self.requestBytes(keep: true), to: &kept) == Self.expectedActions)
    }

    @Test("§6.1 STDERR used: its empty record ends it before END_REQUEST (appendix B example 3)")
    func stderrTerminator() throws {
        var child = Child()
        _ = try feed(Self.requestBytes(keep: true), to: &child)
        #expect(wire(child.stderr(ByteBuffer(string: "oops\n"), requestID: 1)) == handRecord(7, id: 1, Array("oops\n".utf8)))
        #expect(child.stderr(ByteBuffer(), requestID: 1).isEmpty)
        #expect(child.stdout(ByteBuffer(), requestID: 1).isEmpty)
        let end = child.endRequest(requestID: 1, appStatus: 938)
        #expect(wire(end.records) == [1, 6, 0, 1, 0, 0, 0, 0] + [1, 7, 0, 1, 0, 0, 0, 0] + endBytes(id: 1, appStatus: 938))
    }

    @Test("§3.3 STDOUT splits at 65535 bytes, never with an empty record before the end")
    func stdoutSplit() throws {
        var child = Child()
        _ = try feed(Self.requestBytes(keep: true), to: &child)
        let records = child.stdout(ByteBuffer(repeating: 0x61, count: 70_000), requestID: 1)
        #expect(records.map(\.content.readableBytes) == [65535, 4465])
        let encoded = wire(records)
        #expect(Array(encoded.prefix(8)) == [1, 6, 0, 1, 0xFF, 0xFF, 1, 0])
        #expect(Array(encoded[(8 + 65535 + 1)...].prefix(8)) == [1, 6, 0, 1, 0x11, 0x71, 7, 0])
        #expect(encoded.count == (8 + 65535 + 1) + (8 + 4465 + 7))
    }

    @Test("§5.4 ABORT_REQUEST mid-STDIN: .abort, later input ignored, END_REQUEST when the application says, then nothing")
    func abortMidStdin() throws {
        var child = Child()
        let input = beginBytes(id: 2, keep: false) + handRecord(4, id: 2, []) + handRecord(5, id: 2, Array("ab".utf8))
            + handRecord(2, id: 2, []) + handRecord(5, id: 2, Array("cd".utf8)) + handRecord(2, id: 2, []) + handRecord(5, id: 2, [])
        let actions = try feed(input, to: &child, chunk: 1)
        #expect(actions == [
            .none, .requestStarted(requestID: 2, role: .responder, keepConnection: false, params: FastCGIParams([])),
            .stdin(requestID: 2, ByteBuffer(string: "ab")), .abort(requestID: 2), .none, .none, .none,
        ])
        let end = child.endRequest(requestID: 2, appStatus: 3)
        #expect(wire(end.records) == [1, 6, 0, 2, 0, 0, 0, 0] + [1, 3, 0, 2, 0, 8, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0])
        #expect(end.closeConnection)
        #expect(child.endRequest(requestID: 2, appStatus: 0).records.isEmpty)
        #expect(child.stdout(ByteBuffer(string: "late"), requestID: 2).isEmpty)
        #expect(child.stderr(ByteBuffer(string: "late"), requestID: 2).isEmpty)
    }

    @Test("§5.4 ABORT_REQUEST before PARAMS ended: the application never saw it, so the machine ends it")
    func abortBeforeStart() throws {
        var child = Child()
        let actions = try feed(beginBytes(id: 1, keep: true) + handRecord(4, id: 1, Self.paramsContent) + handRecord(2, id: 1, []), to: &child)
        #expect(actions.count == 3)
        #expect(written(actions[2]) == [1, 6, 0, 1, 0, 0, 0, 0] + endBytes(id: 1))
        #expect(child.activeRequestID == nil)
    }

    @Test("§6.4 FCGI_DATA reaches a FILTER, and is ignored for a RESPONDER")
    func dataStream() throws {
        let input = beginBytes(id: 1, role: 3, keep: true) + handRecord(4, id: 1, []) + handRecord(5, id: 1, [])
            + handRecord(8, id: 1, [9]) + handRecord(8, id: 1, [])
        var filter = Child(configuration: .init(acceptedRoles: [.filter]))
        #expect(try feed(input, to: &filter).suffix(2) == [.data(requestID: 1, ByteBuffer(bytes: [9])), .dataEnded(requestID: 1)])
        var responder = Child()
        let responderInput = beginBytes(id: 1, keep: true) + Array(input.dropFirst(16))
        #expect(try feed(responderInput, to: &responder).suffix(2) == [.none, .none])
    }
}
