#if canImport(Glibc)
import Glibc
#endif
import HearthHTTP
import HearthTesting
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// Writes 64 KiB chunks until `total` bytes are sent or a write fails, and
/// reports how it ended: a responder that a client which never reads holds
/// forever unless the server has a send timeout.
struct StreamingResponder: Responder {
    var total = Int.max
    let ended: AsyncStream<String>.Continuation

    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        // Other connections are served as usual.
        if request.head.uri == "/fresh" { return try await writer.write(status: .ok, body: ByteBuffer(string: "fresh\n")) }
        let body = try await writer.writeHead(status: .ok, headers: HTTPHeaders([("Content-Type", "application/octet-stream")]))
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
        var sent = 0
        do {
            while sent < total {
                try await body.write(chunk)
                sent += chunk.readableBytes
            }
            try await body.finish()
            ended.yield("finished")
        } catch {
            ended.yield("write failed after \(sent) bytes")
            throw error
        }
    }
}

/// The first value of `stream`, or nil after `seconds` (a bound so a hang
/// fails the test instead of CI).
func first(_ stream: AsyncStream<String>, within seconds: Int) async -> String? {
    await withTaskGroup(of: String?.self) { group in
        group.addTask { await stream.first { _ in true } }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return nil
        }
        let result = await group.next() ?? nil
        group.cancelAll()
        return result
    }
}

/// SECURITY.md, "a client that does not read": the send timeout (Apache's
/// `Timeout`) and the graceful shutdown's deadline. Hearth 6434200 kept such
/// a connection, and what served it, forever.
@Suite struct SendTimeoutTests {
    @Test func aClientThatNeverReadsIsCutOffAndItsResponderStopped() async throws {
        let (ended, continuation) = AsyncStream.makeStream(of: String.self)
        let log = LogCapture()
        let server = try await LiveServer.start(
            responder: StreamingResponder(ended: continuation), configure: { $0.sendTimeout = .milliseconds(300) }, logger: log.logger()
        )
        let client = try RawConnection(port: server.port)
        try await client.send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")
        // The client reads nothing; within the bound the server must give up.
        let outcome = await first(ended, within: 20)
        try await expectServesNewConnection(server)
        try await server.stop()
        client.close()
        #expect(outcome?.hasPrefix("write failed") == true, "\(outcome ?? "still writing after 20 s")")
        #expect(log.records.contains { $0.message.contains("send timeout") && $0.metadata["remote"]?.contains("127.0.0.1") == true })
    }

    /// A slow reader that keeps taking bytes is no stalled one. The body
    /// takes longer to read (24 bursts, about 7 s) than the timeout, so a
    /// timeout counted from the start rather than from the last progress
    /// fails it; the timeout is 4 s, not less, because a full parallel run
    /// once starved this reader's thread past 2 s on a 2-core machine.
    @Test func aSlowReaderThatKeepsReadingGetsTheWholeBody() async throws {
        let (ended, continuation) = AsyncStream.makeStream(of: String.self)
        let total = 6 * 1024 * 1024
        let server = try await LiveServer.start(
            responder: StreamingResponder(total: total, ended: continuation), configure: { $0.sendTimeout = .seconds(4) }
        )
        let client = try RawConnection(port: server.port)
        try await client.send("GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        // Bursts of 256 KiB with pauses shorter than the timeout: the TCP
        // window (loopback's segments are 64 KiB) opens at each burst, so the
        // server sees progress between its checks.
        let received = try await client.readSlowly(burst: 256 * 1024, pause: .milliseconds(300)).count
        let outcome = await first(ended, within: 5)
        try await server.stop()
        #expect(outcome == "finished")
        #expect(received > total, "headers, chunk framing and \(total) bytes of body; got \(received)")
    }

    /// SIGTERM (graceful shutdown) waits for in-flight requests only until
    /// `shutdownTimeout`, then closes what is left: here a client that never
    /// reads, with a send timeout far longer than the test.
    @Test func gracefulShutdownClosesWhatIsLeftAtItsDeadline() async throws {
        let (ended, continuation) = AsyncStream.makeStream(of: String.self)
        let log = LogCapture()
        let server = try await LiveServer.start(
            responder: StreamingResponder(ended: continuation),
            configure: { $0.sendTimeout = .seconds(600); $0.shutdownTimeout = .milliseconds(300) }, logger: log.logger()
        )
        let client = try RawConnection(port: server.port)
        try await client.send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await client.readSome(upTo: 1)  // the response is under way
        let stopped = Task { try await server.stop(); return "stopped" }
        let outcome = await first(AsyncStream { continuation in
            Task { continuation.yield((try? await stopped.value) ?? "failed") }
        }, within: 20)
        client.close()
        #expect(outcome == "stopped", "the server was still running 20 s after SIGTERM")
        #expect(await first(ended, within: 5)?.hasPrefix("write failed") == true)
        #expect(log.records.contains { $0.message.contains("shutdown timeout") && $0.metadata["connections"] == "1" })
    }
}
