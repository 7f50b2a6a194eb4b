import Foundation
import HearthTesting
import Testing

/// Issue 25, item 3, "Limits": what no well-behaved client sends, written
/// frame by frame over a real socket to an h2c listener (`RawHTTP2`):
/// each attack gets a GOAWAY, the connection closes, the error log names
/// the peer and what it did, and the server goes on serving others.
@Suite("HTTP/2 limits", .serialized)
struct HTTP2LimitTests {
    static let enhanceYourCalm: UInt32 = 0xB
    static let protocolError: UInt32 = 0x1
    static let refusedStream: UInt32 = 0x7

    /// The frames until the server closes; the GOAWAY among them.
    static func goAway(on connection: RawConnection) async -> RawFrame? {
        await connection.readFrames { $0.isGoAway }.last { $0.isGoAway }
    }

    /// After the attack: a GOAWAY with `code`, the connection closed, the
    /// log line, and another client served.
    static func expectCutOff(_ connection: RawConnection, hearth: HearthProcess, code: UInt32, logged: String) async throws {
        let goAway = await Self.goAway(on: connection)
        #expect(goAway?.errorCode == code, "\(String(describing: goAway))")
        #expect(await connection.waitForPeerClose(), "the attacker's connection stayed open")
        let other = try HTTP2Tests.h2c("/files/small.txt", port: hearth.port)
        #expect(other.version == "2" && other.status == "200", "\(other)")
        #expect(await Processes.eventually { hearth.errors.contains(logged) && hearth.errors.contains("remote=") }, "\(hearth.errors)")
    }

    @Test("rapid reset (CVE-2023-44487): streams opened and reset at once past max_resets get GOAWAY ENHANCE_YOUR_CALM and a log line")
    func rapidReset() async throws {
        try await HTTP2Tests.rawSession(server: "http2: {max_resets: 50, reset_window: 30s}") { session in
            let (hearth, connection) = (session.hearth, session.connection)
            var burst: [UInt8] = []
            for index in 0..<80 {
                let stream = UInt32(2 * index + 1)
                burst += RawHTTP2.headers(stream: stream, RawHTTP2.get("/files/small.txt")) + RawHTTP2.rstStream(stream: stream)
            }
            try await connection.send(burst)
            try await Self.expectCutOff(connection, hearth: hearth, code: Self.enhanceYourCalm, logged: "rapid reset, CVE-2023-44487")
        }
    }

    @Test("a client that resets fewer streams than max_resets is served on")
    func fewResets() async throws {
        try await HTTP2Tests.rawSession(server: "http2: {max_resets: 50, reset_window: 30s}") { session in
            let (hearth, connection) = (session.hearth, session.connection)
            var burst: [UInt8] = []
            for index in 0..<20 {
                let stream = UInt32(2 * index + 1)
                burst += RawHTTP2.headers(stream: stream, RawHTTP2.get("/files/small.txt")) + RawHTTP2.rstStream(stream: stream)
            }
            try await connection.send(burst + RawHTTP2.headers(stream: 41, RawHTTP2.get("/files/small.txt")))
            let frames = await connection.readFrames { $0.stream == 41 && $0.flags & RawHTTP2.endStream != 0 }
            #expect(!frames.contains { $0.isGoAway } && frames.last?.stream == 41, "\(frames)")
        }
    }

    @Test("CONTINUATION flood (CVE-2024-27316): a header block that never ends gets GOAWAY ENHANCE_YOUR_CALM and a log line")
    func continuationFlood() async throws {
        try await HTTP2Tests.rawSession() { session in
            let (hearth, connection) = (session.hearth, session.connection)
            var flood = RawHTTP2.headers(stream: 1, RawHTTP2.get("/files/small.txt"), endStream: true, endHeaders: false)
            for index in 0..<20 {
                flood += RawHTTP2.frame(.continuation, stream: 1, RawHTTP2.block([("x-flood-\(index)", "a")]))
            }
            try await connection.send(flood)
            try await Self.expectCutOff(connection, hearth: hearth, code: Self.enhanceYourCalm, logged: "CONTINUATION flood, CVE-2024-27316")
        }
    }

    @Test("a header list over max_header_bytes gets GOAWAY and a log line")
    func headerListSize() async throws {
        try await HTTP2Tests.rawSession(server: "max_header_bytes: 8192") { session in
            let (hearth, connection, settings) = (session.hearth, session.connection, session.settings)
            #expect(settings[0x6] == 8192, "\(settings)")
            // Three 4 KiB fields: one HEADERS and two CONTINUATION frames.
            let block = RawHTTP2.block(RawHTTP2.get("/files/small.txt") + (0..<3).map { ("x-big-\($0)", String(repeating: "b", count: 4000)) })
            let pieces = stride(from: 0, to: block.count, by: 4096).map { Array(block[$0..<min($0 + 4096, block.count)]) }
            var frames = RawHTTP2.frame(.headers, flags: RawHTTP2.endStream, stream: 1, pieces[0])
            for (index, piece) in pieces.enumerated().dropFirst() {
                frames += RawHTTP2.frame(.continuation, flags: index == pieces.count - 1 ? RawHTTP2.endHeaders : 0, stream: 1, piece)
            }
            try await connection.send(frames)
            try await Self.expectCutOff(connection, hearth: hearth, code: Self.protocolError, logged: "header list over the limit")
        }
    }

    @Test("a stream past max_concurrent_streams gets GOAWAY (swift-nio-http2 makes it a connection error) and a log line; the open ones are answered")
    func concurrentStreams() async throws {
        try await HTTP2Tests.rawSession(server: "http2: {max_concurrent_streams: 2}") { session in
            let (hearth, connection, settings) = (session.hearth, session.connection, session.settings)
            #expect(settings[0x3] == 2, "\(settings)")
            try await connection.send((0..<3).flatMap { RawHTTP2.headers(stream: UInt32(2 * $0 + 1), RawHTTP2.get("/cgi-bin/slow")) })
            var ended: Set<UInt32> = []
            var goAway: RawFrame?
            let frames = await connection.readFrames { frame in
                if frame.isGoAway { goAway = frame }
                if frame.type == RawHTTP2.FrameType.data.rawValue, frame.flags & RawHTTP2.endStream != 0 { ended.insert(frame.stream) }
                return ended.count == 2
            }
            #expect(goAway?.errorCode == Self.protocolError && ended == [1, 3], "\(frames)")
            #expect(!frames.contains { $0.stream == 5 && $0.type == RawHTTP2.FrameType.headers.rawValue }, "\(frames)")
            #expect(await Processes.eventually { hearth.errors.contains("more streams than max_concurrent_streams") }, "\(hearth.errors)")
            let other = try HTTP2Tests.h2c("/files/small.txt", port: hearth.port)
            #expect(other.version == "2" && other.status == "200", "\(other)")
        }
    }
}
