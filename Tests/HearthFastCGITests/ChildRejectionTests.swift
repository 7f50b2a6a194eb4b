import HearthFastCGI
import NIOCore
import Testing

struct RoleCase: Sendable, CustomTestStringConvertible {
    let role: UInt16
    let keep: Bool
    var testDescription: String { "role \(role), KEEP_CONN \(keep)" }
}

@Suite("FastCGI 1.0 child side: requests refused or ended by the protocol")
struct ChildRejectionTests {
    @Test(
        "§5.5 FCGI_UNKNOWN_ROLE for AUTHORIZER, FILTER and unknown roles; §5.1 closes unless KEEP_CONN",
        arguments: [RoleCase(role: 2, keep: true), RoleCase(role: 3, keep: false), RoleCase(role: 0x1234, keep: true), RoleCase(role: 0, keep: false)]
    )
    func unknownRole(_ testCase: RoleCase) throws {
        var child = Child()
        let actions = try feed(beginBytes(id: 1, role: testCase.role, keep: testCase.keep), to: &child)
        #expect(actions.count == 1)
        guard case .write(let write) = actions[0] else { Issue.record("expected .write, got \(actions)"); return }
        #expect(wire(write.records) == [1, 3, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0])
        #expect(write.closeConnection == !testCase.keep)
        #expect(child.activeRequestID == nil)
    }

    @Test("§6 accepted roles are a parameter: an AUTHORIZER is served when configured")
    func acceptedRoles() throws {
        var child = Child(configuration: .init(acceptedRoles: [.responder, .authorizer]))
        let actions = try feed(beginBytes(id: 7, role: 2, keep: true) + handRecord(4, id: 7, []), to: &child)
        #expect(actions == [.none, .requestStarted(requestID: 7, role: .authorizer, keepConnection: true, params: FastCGIParams([]))])
    }

    @Test("§5.5 FCGI_CANT_MPX_CONN for a second request on the connection; the first one goes on")
    func cantMultiplex() throws {
        var child = Child()
        let input = beginBytes(id: 1, keep: true) + beginBytes(id: 2, keep: false) + handRecord(4, id: 2, []) + handRecord(4, id: 1, [])
        let actions = try feed(input, to: &child)
        #expect(written(actions[1]) == [1, 3, 0, 2, 0, 8, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0])
        guard case .write(let write) = actions[1] else { Issue.record("expected .write"); return }
        #expect(!write.closeConnection)
        #expect(actions[2] == .none)  // §3.3: request 2 is not active
        #expect(actions[3] == .requestStarted(requestID: 1, role: .responder, keepConnection: true, params: FastCGIParams([])))
    }

    @Test("§3.3 a BEGIN_REQUEST for the id already active, or with a bad body, closes the connection")
    func fatalBegin() throws {
        var duplicate = Child()
        let actions = try feed(beginBytes(id: 1, keep: true) + beginBytes(id: 1, keep: true), to: &duplicate)
        #expect(actions.last == .closeConnection(.beginRequestForActiveID(1)))
        #expect(duplicate.isClosed)

        var short = Child()
        #expect(try feed(handRecord(1, id: 1, [0, 1, 1]), to: &short) == [.closeConnection(.malformedBeginRequest(.wrongLength(3)))])
        #expect(try feed(beginBytes(id: 1, keep: true), to: &short) == [.none])
    }

    @Test("§3.3 records for inactive request ids are ignored", arguments: [UInt8(2), 3, 4, 5, 6, 7, 8])
    func inactiveIgnored(type: UInt8) throws {
        var child = Child()
        let input = beginBytes(id: 1, keep: true) + handRecord(type, id: 9, [1, 2, 3])
        #expect(try feed(input, to: &child) == [.none, .none])
        #expect(child.activeRequestID == 1)
    }

    static let failureEnd: [UInt8] = [1, 3, 0, 1, 0, 8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]

    /// Empty STDOUT, the reason on STDERR, empty STDERR, END_REQUEST appStatus 1 (§5.5, §6.1).
    static func failureBytes(_ message: String) -> [UInt8] {
        [1, 6, 0, 1, 0, 0, 0, 0] + handRecord(7, id: 1, Array("hearth: \(message)\n".utf8)) + [1, 7, 0, 1, 0, 0, 0, 0] + failureEnd
    }

    static let tight = Child.Configuration(maxParamsCount: 4, maxParamsBytes: 16)

    @Test("§5.2 oversized or malformed PARAMS end the request with appStatus 1 and the reason on STDERR")
    func badParams() throws {
        let nameAndLongValue: [UInt8] = [4, 20] + Array("NAME".utf8) + [UInt8](repeating: 0x78, count: 20)
        let cases: [([UInt8], FastCGIChildError, String)] = [
            (nameAndLongValue, .malformedParams(.tooLarge(limit: 16)), "malformed FCGI_PARAMS: tooLarge(limit: 16)"),
            ([UInt8](repeating: 0, count: 10), .malformedParams(.tooManyPairs(limit: 4)), "malformed FCGI_PARAMS: tooManyPairs(limit: 4)"),
            ([5, 0, 0x41], .malformedParams(.truncated), "malformed FCGI_PARAMS: truncated"),
        ]
        for (content, error, message) in cases {
            var child = Child(configuration: Self.tight)
            let actions = try feed(beginBytes(id: 1, keep: true) + handRecord(4, id: 1, content) + handRecord(4, id: 1, []), to: &child)
            guard case .requestFailed(1, let reported, let write) = actions.last else { Issue.record("\(actions)"); continue }
            #expect(reported == error)
            #expect(wire(write.records) == Self.failureBytes(message))
            #expect(!write.closeConnection)
            #expect(child.activeRequestID == nil)
        }
    }

    @Test("§5.2 a PARAMS stream past every valid size is refused before it ends, and the rest is ignored (§3.3)")
    func paramsStreamTooLong() throws {
        var child = Child(configuration: Self.tight)  // 16 bytes + 8 length bytes × 4 pairs = 48
        let chunk = handRecord(4, id: 1, [UInt8](repeating: 0, count: 20))
        let actions = try feed(beginBytes(id: 1, keep: false) + chunk + chunk + chunk + chunk + handRecord(4, id: 1, []), to: &child)
        #expect(actions.count == 6)
        #expect(Array(actions[0...2]) == [.none, .none, .none])
        guard case .requestFailed(1, .paramsStreamTooLong(limit: 48), let write) = actions[3] else { Issue.record("\(actions)"); return }
        #expect(wire(write.records) == Self.failureBytes("FCGI_PARAMS stream longer than 48 bytes"))
        #expect(write.closeConnection)
        #expect(Array(actions[4...]) == [.none, .none])
    }

    @Test("§6.1 out-of-order and application-only records end the active request", arguments: [UInt8(5), 6, 7, 3])
    func unexpected(type: UInt8) throws {
        var child = Child()
        let actions = try feed(beginBytes(id: 1, keep: true) + handRecord(type, id: 1, []), to: &child)
        let expectedType = FastCGIRecord.RecordType(rawValue: type)
        guard case .requestFailed(1, .unexpectedRecord(expectedType), let write) = actions.last else { Issue.record("\(actions)"); return }
        #expect(wire(write.records) == Self.failureBytes("unexpected record type \(type) for the active request"))
    }

    @Test("§5.2 a second PARAMS stream after the request started ends it")
    func paramsAfterStart() throws {
        var child = Child()
        let actions = try feed(beginBytes(id: 1, keep: true) + handRecord(4, id: 1, []) + handRecord(4, id: 1, [0, 0]), to: &child)
        guard case .requestFailed(1, .unexpectedRecord(.params), _) = actions.last else { Issue.record("\(actions)"); return }
        #expect(child.stdout(ByteBuffer(string: "x"), requestID: 1).isEmpty)
    }
}
