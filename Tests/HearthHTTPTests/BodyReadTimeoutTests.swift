import HearthHTTP
import HearthTesting
import Testing

/// A body that stops arriving closes the connection after the body read
/// timeout, and the responder sees a failed read, never a short body
/// passed off as complete (RFC 9112 §8: such a message is incomplete).
@Suite struct BodyReadTimeoutTests {
    static func shortBodyTimeout(_ configuration: inout HTTPServerConfiguration) { configuration.bodyReadTimeout = .milliseconds(300) }

    @Test func bodyThatNeverArrivesClosesTheConnection() async throws {
        let server = try await LiveServer.start(responder: EchoResponder(), configure: Self.shortBodyTimeout)
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        // Taken before sending: the server's timer starts after.
        let start = ContinuousClock.now
        try await connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        // Returning, not throwing at the client's 10 s receive timeout,
        // shows the server closed it (an upper bound on the time would
        // measure when this task was resumed).
        let rest = String(decoding: try await connection.readToEnd(), as: UTF8.self)
        let elapsed = ContinuousClock.now - start
        #expect(!rest.contains("200 OK"))
        #expect(elapsed >= .milliseconds(250))
        try await expectServesNewConnection(server)
        try await server.stop()
    }

    @Test func bodyCutByTheTimeoutIsAFailedReadNotAShortBody() async throws {
        let (outcomes, continuation) = AsyncStream<BodyReadOutcome>.makeStream()
        let server = try await LiveServer.start(responder: BodyOutcomeResponder(outcomes: continuation), configure: Self.shortBodyTimeout)
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        try await connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabcd")
        var iterator = outcomes.makeAsyncIterator()
        #expect(await iterator.next() == .failed)
        #expect(await connection.isClosedByPeer())
        try await server.stop()
    }

    @Test func slowButSteadyBodyIsRead() async throws {
        // The timeout bounds each wait for the next piece, not the whole body.
        // Eight pieces 700 ms apart take longer than the 5 s timeout in
        // all; each gap leaves 4.3 s of slack for a machine loaded by the
        // tests that run beside this one (fork bombs and CPU spins of the
        // limits' tests).
        let server = try await LiveServer.start(responder: EchoResponder(), configure: { $0.bodyReadTimeout = .seconds(5) })
        let connection = try RawConnection(port: server.port, timeoutSeconds: 10)
        let pieces = ["ab", "cd", "ef", "gh", "ij", "kl", "mn", "op"]
        try await connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n")
        for piece in pieces {
            try await Task.sleep(for: .milliseconds(700))
            try await connection.send(piece)
        }
        let response = try await connection.readResponse()
        #expect(response.status == 200)
        #expect(response.text == pieces.joined())
        try await server.stop()
    }
}
