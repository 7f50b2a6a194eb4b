import HearthHTTP
import HearthTesting
import Testing

/// Graceful shutdown (SIGTERM): the listening socket closes at once, idle
/// keep-alive connections close at once, and a request already in flight
/// finishes, its response saying the connection closes.
@Suite struct GracefulShutdownTests {
    @Test func inFlightRequestFinishesWhileIdleAndNewConnectionsAreTurnedAway() async throws {
        let (gate, release) = AsyncStream<Void>.makeStream()
        let (entered, arrival) = AsyncStream<Void>.makeStream()
        let responder = HoldResponder(hold: GateResponder(gate: gate, entered: arrival))
        let server = try await LiveServer.start(responder: responder, logger: LogCapture().logger())

        // A keep-alive connection, idle after one response.
        let idle = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await idle.send("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await idle.readResponse().status == 200)

        // A request in flight, held by the gate.
        let busy = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await busy.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
        for await _ in entered { break }

        let stopping = Task { try await server.stop() }

        #expect(await refusesConnections(port: server.port, within: .seconds(30)), "still accepting after stop began")
        // Closed by the drain: within the client's 10 s receive timeout,
        // so before the 15 s idle timeout could have.
        #expect(await idle.isClosedByPeer())

        release.yield()
        let response = try await busy.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "released\n")
        #expect(response.header("connection") == "close")
        #expect(await busy.isClosedByPeer())
        try await stopping.value
    }

    @Test func pipelinedRequestBehindTheInFlightOneIsNotStarted() async throws {
        let (gate, release) = AsyncStream<Void>.makeStream()
        let (entered, arrival) = AsyncStream<Void>.makeStream()
        let log = MemoryAccessLog()
        let server = try await LiveServer.start(responder: HoldResponder(hold: GateResponder(gate: gate, entered: arrival)), accessLog: log, logger: LogCapture().logger())
        let busy = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await busy.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        for await _ in entered { break }
        let stopping = Task { try await server.stop() }
        // Generous: the stop runs on the shared concurrency pool, which a
        // loaded machine running the whole suite can keep busy for seconds.
        #expect(await refusesConnections(port: server.port, within: .seconds(30)))
        release.yield()
        let response = try await busy.readResponse()
        #expect(response.status == 200)
        #expect(response.header("connection") == "close")
        let rest = await textUntilClose(busy)
        #expect(statusLineCount(rest) == 0, "the pipelined request was served during shutdown: \(rest)")
        try await stopping.value
        #expect(log.entries.count == 1)
    }

    /// Polls until a connect is refused: the listening socket is closed.
    private func refusesConnections(port: Int, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            do {
                _ = try RawConnection(port: port, timeoutSeconds: 1)
            } catch {
                return true
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

/// Holds `/hold` at the gate; answers anything else at once.
struct HoldResponder: Responder {
    let hold: GateResponder

    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        if request.head.uri == "/hold" {
            try await hold.respond(to: request, writer: writer)
        } else {
            try await TextResponder().respond(to: request, writer: writer)
        }
    }
}

@Suite struct ShutdownUnderLoadTests {
    @Test func connectionsArrivingAsTheServerStopsAreClosedNotCrashed() async throws {
        // Connections the kernel accepted while the listening socket closes
        // are still on their way to the accept loop; dropping them must not
        // bring the process down (swift-nio #2813), and none may hang.
        for _ in 1...5 {
            let server = try await LiveServer.start(responder: TextResponder(), logger: LogCapture().logger())
            let connections = try (1...64).map { _ in try RawConnection(port: server.port, timeoutSeconds: 10) }
            try await server.stop()
            for connection in connections {
                // Throws at the first connection left open: a hang fails
                // here in 10 s instead of reading as "no response".
                let text = String(decoding: try await connection.readUntilPeerCloses(), as: UTF8.self)
                #expect(statusLineCount(text) == 0)
            }
        }
    }
}
