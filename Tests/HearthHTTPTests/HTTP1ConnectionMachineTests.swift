@testable import HearthHTTP
import Testing

/// `HTTP1ConnectionMachine`'s rules as tables: what a connection does after
/// each event (RFC 9112 §9). The bytes these decisions produce are in
/// `HTTP1ConnectionBytesTests`.
@Suite struct HTTP1ConnectionMachineTests {
    typealias Machine = HTTP1ConnectionMachine

    @Test(arguments: [
        // client keeps alive, draining, requests so far → the response may keep the connection
        (true, false, 0, true),
        (false, false, 0, false),
        (true, true, 0, false),
        (true, false, 8, true),
        (true, false, 9, false),  // the tenth of ten: the last one says close
    ])
    func whetherAResponseMayKeepTheConnection(clientKeepsAlive: Bool, draining: Bool, servedBefore: Int, expected: Bool) {
        var machine = Machine(maxRequests: 10)
        for _ in 0..<servedBefore {
            _ = machine.headReceived(clientKeepsAlive: true, draining: false)
            _ = machine.responseComplete(keptAlive: true, unread: .none)
        }
        #expect(machine.headReceived(clientKeepsAlive: clientKeepsAlive, draining: draining) == .serve(keepAlive: expected))
        #expect(machine.state == .serving)
    }

    @Test(arguments: [
        // kept alive, what is left of the body → next action
        (true, Machine.UnreadBody.none, Machine.Action.readNextHead),
        (false, .none, .close),
        (true, .skippable(bytes: 0), .readNextHead),
        (true, .skippable(bytes: Machine.skippableBodyLimit), .readNextHead),
        (true, .skippable(bytes: Machine.skippableBodyLimit + 1), .lingerThenClose),
        (false, .skippable(bytes: 10), .lingerThenClose),
        (true, .unbounded, .lingerThenClose),
        (false, .unbounded, .lingerThenClose),
        (false, .refused, .lingerThenClose),
    ])
    func afterAResponse(keptAlive: Bool, unread: Machine.UnreadBody, expected: Machine.Action) {
        var machine = Machine(maxRequests: 100)
        _ = machine.headReceived(clientKeepsAlive: true, draining: false)
        #expect(machine.responseComplete(keptAlive: keptAlive, unread: unread) == expected)
        #expect(machine.state == (expected == .readNextHead ? .idle : .closed))
    }

    @Test func noNextHeadCloses() {
        var machine = Machine(maxRequests: 100)
        #expect(machine.noNextHead() == .close)
        #expect(machine.state == .closed)
    }

    @Test func aMalformedHeadLingers() {
        var machine = Machine(maxRequests: 100)
        #expect(machine.malformedHead() == .lingerThenClose, "the rest of what the client sent is not read as requests")
        #expect(machine.state == .closed)
    }

    @Test func onlyTheFirstRequestLearnsFromTheHandshake() {
        var machine = Machine(maxRequests: 100)
        _ = machine.headReceived(clientKeepsAlive: true, draining: false)
        #expect(machine.isFirstRequest)
        _ = machine.responseComplete(keptAlive: true, unread: .none)
        _ = machine.headReceived(clientKeepsAlive: true, draining: false)
        #expect(!machine.isFirstRequest)
        #expect(machine.served == 2)
    }
}
