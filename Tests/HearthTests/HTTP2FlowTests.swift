import Foundation
import HearthTesting
import Synchronization
import Testing

/// Issue 25, item 3: flow control and backpressure end to end, the idle
/// timeout and the graceful shutdown of HTTP/2 connections, with frames
/// written by hand over a real socket to an h2c listener (`RawHTTP2`), so
/// the client decides exactly when windows open.
@Suite("HTTP/2 flow control and lifetime", .serialized)
struct HTTP2FlowTests {
    static let megabytes4 = 64 * 65536

    @Test("a reader that opens no window stalls the script's output (it does not run to its end); once the window opens, all 4 MiB arrive")
    func slowReaderStallsTheScript() async throws {
        try await HTTP2Tests.rawSession(timeoutSeconds: 30) { session in
            let (site, connection) = (session.site, session.connection)
            try await connection.send(RawHTTP2.headers(stream: 1, RawHTTP2.get("/cgi-bin/flood")))
            // The initial windows (64 KiB less one byte) are all the server may send.
            var received = 0
            _ = await connection.readFrames { frame in
                if frame.type == RawHTTP2.FrameType.data.rawValue { received += frame.payload.count }
                return received >= 65535
            }
            #expect(received == 65535)
            #expect(await Processes.eventually { site.progress >= 1 }, "the script did not start")
            let ranAhead = await Processes.eventually(seconds: 2) { site.progress >= 64 }
            #expect(!ranAhead, "the script wrote all 4 MiB to a reader that read 64 KiB: \(site.progress) pieces")
            try await connection.send(RawHTTP2.windowUpdate(stream: 0, increment: 8 << 20) + RawHTTP2.windowUpdate(stream: 1, increment: 8 << 20))
            received += await connection.readBody(stream: 1).count
            #expect(received == Self.megabytes4 && site.progress == 64, "\(received) bytes, \(site.progress) pieces")
        }
    }

    @Test("a reader that opens no window for send_timeout gets RST_STREAM and a log line; the connection serves on")
    func stalledStreamIsReset() async throws {
        try await HTTP2Tests.rawSession(server: "send_timeout: 1s", timeoutSeconds: 20) { session in
            let (hearth, site, connection) = (session.hearth, session.site, session.connection)
            try await connection.send(RawHTTP2.headers(stream: 1, RawHTTP2.get("/cgi-bin/flood")))
            let frames = await connection.readFrames { $0.type == RawHTTP2.FrameType.rstStream.rawValue }
            #expect(frames.last?.type == RawHTTP2.FrameType.rstStream.rawValue && frames.last?.stream == 1, "\(frames.suffix(3))")
            #expect(site.progress < 64, "the script ran to its end: \(site.progress)")
            #expect(await Processes.eventually { hearth.errors.contains("send timeout: the HTTP/2 client opened no window") }, "\(hearth.errors)")
            // The connection itself goes on: a window for it, a new stream.
            try await connection.send(RawHTTP2.windowUpdate(stream: 0, increment: 1 << 20) + RawHTTP2.headers(stream: 3, RawHTTP2.get("/files/small.txt")))
            let next = await connection.readFrames { $0.stream == 3 && $0.flags & RawHTTP2.endStream != 0 }
            #expect(next.last?.stream == 3, "\(next)")
        }
    }

    /// What a client sending a body has sent, as it goes.
    final class Sent: Sendable {
        let bytes = Atomic<Int>(0)
    }

    /// Sends `total` bytes of body on stream 1 as the server's windows
    /// allow, then reads the response's body.
    static func upload(_ connection: RawConnection, total: Int, sent: Sent) async throws -> String {
        var connectionWindow = 65535, streamWindow = 65535, offset = 0
        let piece = [UInt8](repeating: UInt8(ascii: "u"), count: 16384)
        while offset < total {
            let room = min(connectionWindow, streamWindow, piece.count, total - offset)
            if room > 0 {
                try await connection.send(RawHTTP2.data(stream: 1, Array(piece[..<room]), endStream: offset + room == total))
                offset += room
                connectionWindow -= room
                streamWindow -= room
                sent.bytes.store(offset, ordering: .relaxed)
                continue
            }
            let frame = try await connection.readFrame()
            guard frame.type == RawHTTP2.FrameType.windowUpdate.rawValue else { continue }
            let increment = Int(RawFrame.increment(frame.payload))
            if frame.stream == 0 { connectionWindow += increment } else if frame.stream == 1 { streamWindow += increment }
        }
        return String(decoding: await connection.readBody(stream: 1), as: UTF8.self)
    }

    @Test("an upload to a script that does not read yet is held by flow control (well under its 4 MiB reach the server); once it reads, all of it arrives")
    func uploadWaitsForTheReader() async throws {
        let script = { (site: HTTP2Tests.Site) throws -> Void in
            _ = try site.directory.write("cgi-bin/count", Array("""
                #!/bin/sh
                while [ ! -e \(site.path)/go ]; do sleep 0.05; done
                printf 'Content-Type: text/plain\\r\\n\\r\\n'
                wc -c

                """.utf8), mode: 0o755)
        }
        try await HTTP2Tests.rawSession(timeoutSeconds: 30, prepare: script) { session in
            let (site, connection) = (session.site, session.connection)
            let fields = RawHTTP2.get("/cgi-bin/count", method: "POST") + [("content-length", String(Self.megabytes4))]
            try await connection.send(RawHTTP2.headers(stream: 1, fields, endStream: false))
            let sent = Sent()
            let upload = Task { try await Self.upload(connection, total: Self.megabytes4, sent: sent) }
            let allSent = await Processes.eventually(seconds: 2) { sent.bytes.load(ordering: .relaxed) >= Self.megabytes4 }
            let held = sent.bytes.load(ordering: .relaxed)
            #expect(!allSent && held < 1 << 20, "\(held) bytes taken from a script that read none")
            #expect(FileManager.default.createFile(atPath: site.path + "/go", contents: nil))
            let answer = try await upload.value
            #expect(answer.trimmingCharacters(in: .whitespacesAndNewlines) == String(Self.megabytes4), "\(answer)")
        }
    }

    @Test("after max_requests_per_connection streams an HTTP/2 connection gets GOAWAY; the streams opened are answered")
    func maxRequestsPerConnection() async throws {
        try await HTTP2Tests.rawSession(server: "max_requests_per_connection: 3", timeoutSeconds: 10) { session in
            let connection = session.connection
            try await connection.send((0..<3).flatMap { RawHTTP2.headers(stream: UInt32(2 * $0 + 1), RawHTTP2.get("/files/small.txt")) })
            var ended: Set<UInt32> = []
            var goAway = false
            while let frame = try? await connection.readFrame() {
                if frame.isGoAway { goAway = true }
                if frame.type == RawHTTP2.FrameType.ping.rawValue, frame.flags & RawHTTP2.ack == 0 {
                    try await connection.send(RawHTTP2.frame(.ping, flags: RawHTTP2.ack, frame.payload))
                }
                if frame.type == RawHTTP2.FrameType.data.rawValue, frame.flags & RawHTTP2.endStream != 0 { ended.insert(frame.stream) }
            }
            #expect(goAway && ended == [1, 3, 5], "GOAWAY \(goAway), ended \(ended)")
        }
    }

    @Test("an HTTP/2 connection with no stream open for the idle timeout gets GOAWAY (NO_ERROR) and is closed")
    func idleTimeout() async throws {
        try await HTTP2Tests.rawSession(server: "idle_timeout: 500ms", timeoutSeconds: 10) { session in
            let (site, connection) = (session.site, session.connection)
            try await connection.send(RawHTTP2.headers(stream: 1, RawHTTP2.get("/files/small.txt")))
            let frames = await connection.readFrames { $0.isGoAway }
            #expect(frames.contains { $0.stream == 1 && $0.flags & RawHTTP2.endStream != 0 }, "\(frames)")
            let goAway = frames.last
            #expect(goAway?.isGoAway == true && goAway?.errorCode == 0 && goAway.map { RawFrame.increment($0.payload) } == 1, "\(frames)")
            #expect(await connection.waitForPeerClose())
        }
    }

    @Test("graceful shutdown: an HTTP/2 connection gets GOAWAY, its open stream is answered in full, then it closes and hearth exits 0; one with no stream open closes at once")
    func gracefulShutdown() async throws {
        let site = try HTTP2Tests.site()
        try site.directory.write("cgi-bin/marked", Array("#!/bin/sh\ntouch \(site.path)/started\nsleep 1\nprintf 'Content-Type: text/plain\\r\\n\\r\\nfinished\\n'\n".utf8), mode: 0o755)
        let (hearth, _) = try await TLSListenerTests.start(TLSListenerTests.Site(directory: site.directory, certificates: site.certificates))
        defer { _ = Processes.killSurvivors([hearth.pid]) }
        let connection = try RawConnection(port: hearth.port, timeoutSeconds: 20)
        _ = try await connection.openHTTP2()
        // Another with no stream open, whose client answers nothing.
        let quiet = try RawConnection(port: hearth.port, timeoutSeconds: 5)
        _ = try await quiet.openHTTP2()
        try await connection.send(RawHTTP2.headers(stream: 1, RawHTTP2.get("/cgi-bin/marked")))
        #expect(await Processes.eventually { FileManager.default.fileExists(atPath: site.path + "/started") })
        kill(hearth.pid, SIGTERM)
        var body: [UInt8] = []
        var sawGoAway = false
        while let frame = try? await connection.readFrame() {
            if frame.isGoAway { sawGoAway = true }
            // The manager's PING, answered as a client does.
            if frame.type == RawHTTP2.FrameType.ping.rawValue, frame.flags & RawHTTP2.ack == 0 {
                try await connection.send(RawHTTP2.frame(.ping, flags: RawHTTP2.ack, frame.payload))
            }
            if frame.type == RawHTTP2.FrameType.data.rawValue, frame.stream == 1 { body += frame.payload }
        }
        #expect(sawGoAway && String(decoding: body, as: UTF8.self) == "finished\n", "\(String(decoding: body, as: UTF8.self))")
        #expect(await quiet.waitForPeerClose(), "the quiet connection was still open 5 s after the shutdown began")
        #expect(try await hearth.exitStatus() == 0, "\(hearth.errors)")
    }
}

extension RawFrame {
    /// A WINDOW_UPDATE's increment, or a GOAWAY's last stream id: the
    /// first 31 bits of the payload.
    static func increment(_ payload: [UInt8]) -> UInt32 {
        be32(payload[0...]) & 0x7FFF_FFFF
    }
}
