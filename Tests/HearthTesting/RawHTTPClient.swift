#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A raw TCP client for tests: sends exact bytes, reads exact bytes, parses
/// responses itself. It shares no code with the server, so the server's
/// framing is checked from outside. Its socket calls block, so each runs on
/// a thread of its own, never on the cooperative pool the server shares.
/// One task uses a connection at a time.
public final class RawConnection: @unchecked Sendable {
    public let fd: Int32
    private var buffer: [UInt8] = []
    private let timeoutSeconds: Int

    /// Connects to `host:port` (IPv4 or IPv6 literal) with a receive timeout,
    /// so a broken server fails the test instead of hanging it.
    public init(host: String = "127.0.0.1", port: Int, timeoutSeconds: Int = 30) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let address = info else { throw RawClientError.connect(host, port) }
        defer { freeaddrinfo(info) }
        self.timeoutSeconds = timeoutSeconds
        fd = socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // No close(fd) here: the object is fully initialized, so deinit runs
        // when this throws and closes it; closing twice would close whatever
        // socket reused the number meanwhile (the server's, in this process).
        guard connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            throw RawClientError.connect(host, port)
        }
    }

    private var closed = false

    deinit { close() }

    /// Closes the socket now (a client hanging up). Deinit would too, but
    /// a test cannot tell when the last reference goes.
    public func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    public func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) async throws {
        try await offload { try self.sendNow(bytes) }
    }

    /// Reads until the peer closes (or the timeout), returning everything.
    public func readToEnd() async throws -> [UInt8] {
        try await offload { try self.readToEndNow() }
    }

    /// A loopback port nothing listens on, for a test that binds it later
    /// (a config file naming it, a listener a reload adds): `SparePorts`.
    public static func unusedPort() throws -> Int {
        try SparePorts.shared.next()
    }

    /// Exactly `count` bytes (a frame's header, then its payload).
    public func read(exactly count: Int) async throws -> [UInt8] {
        try await offload { try self.take(count) }
    }

    /// At most `count` bytes: what is buffered, else one read from the
    /// socket; empty at EOF. For a client that reads slowly.
    public func readSome(upTo count: Int) async throws -> [UInt8] {
        try await offload {
            if self.buffer.isEmpty { _ = try self.fill() }
            let taken = Array(self.buffer.prefix(count))
            self.buffer.removeFirst(taken.count)
            return taken
        }
    }

    /// A slow reader: `burst` bytes, then a pause, until the peer closes;
    /// returns every byte read. On a thread of its own, so a busy
    /// cooperative pool cannot stretch the pauses.
    public func readSlowly(burst: Int, pause: Duration) async throws -> [UInt8] {
        try await offload {
            var all: [UInt8] = []
            while true {
                var taken = 0
                while taken < burst {
                    if self.buffer.isEmpty, try !self.fill() { return all + self.buffer }
                    taken += self.buffer.count
                    all += self.buffer
                    self.buffer = []
                }
                let (seconds, attoseconds) = pause.components
                usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
            }
        }
    }

    /// Reads until the peer ends the connection, by EOF or by a reset (a
    /// server closing while unread bytes of ours arrive resets it), and
    /// returns what came before. A connection still open when the receive
    /// timeout runs out throws `RawClientError.stillOpen`: a hang must not
    /// read as "no output".
    public func readUntilPeerCloses() async throws -> [UInt8] {
        try await offload {
            do {
                while try self.fill() {}
            } catch RawClientError.receive(let code) where code == ECONNRESET {
                // Closed; what arrived before the reset is kept.
            } catch RawClientError.receive(let code) where code == EAGAIN || code == EWOULDBLOCK {
                throw RawClientError.stillOpen(afterSeconds: self.timeoutSeconds)
            }
            defer { self.buffer = [] }
            return self.buffer
        }
    }

    /// Reads one HTTP response; `head` requests have no body.
    public func readResponse(head: Bool = false) async throws -> RawResponse {
        try await offload { try self.readResponseNow(head: head) }
    }

    /// Sends a request and reads its response on the calling thread, for a
    /// caller that must not wait for the cooperative pool to resume it.
    public func exchangeBlocking(_ text: String, head: Bool = false) throws -> RawResponse {
        try sendNow(Array(text.utf8))
        return try readResponseNow(head: head)
    }

    /// True when the peer has closed the connection (EOF on read).
    public func isClosedByPeer() async -> Bool {
        (try? await offload { try self.fill() }) == false
    }

    /// True once the peer has ended the connection, by EOF or by a reset
    /// (a server closing while unread bytes of ours arrive resets it);
    /// false if it is still open when the receive timeout runs out.
    public func waitForPeerClose() async -> Bool {
        await (try? offload { () throws -> Bool in
            do {
                while try self.fill() {}
                return true
            } catch RawClientError.receive(let code) {
                return code == ECONNRESET
            }
        }) ?? false
    }

    private func sendNow(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw RawClientError.send(errno) }
            offset += written
        }
    }

    /// Closes the sending direction only.
    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    private func readToEndNow() throws -> [UInt8] {
        while try fill() {}
        defer { buffer = [] }
        return buffer
    }

    private func readResponseNow(head: Bool) throws -> RawResponse {
        let headEnd = try readUntil([13, 10, 13, 10])
        let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var response = RawResponse(headText: headText)
        if head || response.status < 200 || response.status == 204 || response.status == 304 { return response }
        if let length = response.header("content-length").flatMap({ Int($0) }) {
            response.body = try take(length)
        } else if response.header("transfer-encoding")?.lowercased() == "chunked" {
            response.body = try readChunked()
        } else {
            response.body = try readToEndNow()
        }
        return response
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try readUntil([13, 10])
            let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";")[0]
            buffer.removeFirst(lineEnd + 2)
            guard let size = Int(sizeText, radix: 16) else { throw RawClientError.malformed("chunk size \(sizeText)") }
            if size == 0 {
                _ = try readUntil([13, 10])
                buffer.removeFirst(2)
                return body
            }
            body += try take(size)
            _ = try take(2)
        }
    }

    private func take(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw RawClientError.malformed("connection closed \(buffer.count) bytes into \(count)") }
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        var searched = 0
        while true {
            if buffer.count >= marker.count {
                for start in searched...(buffer.count - marker.count) where buffer[start..<(start + marker.count)].elementsEqual(marker) {
                    return start
                }
                searched = buffer.count - marker.count + 1
            }
            guard try fill() else { throw RawClientError.malformed("connection closed before \(marker)") }
        }
    }

    /// Reads what is available; false at EOF.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw RawClientError.receive(errno) }
        buffer += chunk[..<count]
        return count > 0
    }
}

public struct RawResponse: Sendable {
    public var statusLine: String
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8] = []

    public init(headText: String) {
        let lines = headText.components(separatedBy: "\r\n")
        statusLine = lines[0]
        status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        headers = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

public enum RawClientError: Error {
    case connect(String, Int)
    case send(Int32)
    case receive(Int32)
    case malformed(String)
    /// The peer kept the connection open past the receive timeout.
    case stillOpen(afterSeconds: Int)
}

/// One request, one response, on a fresh connection.
public func rawRequest(_ text: String, port: Int, host: String = "127.0.0.1", head: Bool = false, timeoutSeconds: Int = 30) async throws -> RawResponse {
    // Connected, sent and read on one thread: waiting between the connect
    // and the send for this task to be resumed would look like idleness to
    // a server with a short idle timeout, which closes the connection.
    try await offload { try RawConnection(host: host, port: port, timeoutSeconds: timeoutSeconds).exchangeBlocking(text, head: head) }
}

/// `offload`, but the caller waits at most `bound`: then it gets
/// `BoundExceeded` and the thread is left to finish (or block) on its own.
/// For waits that nothing else bounds, such as reading a child's pipe that
/// its descendants may hold open.
func offload<T: Sendable>(within bound: Duration, _ work: @escaping @Sendable () throws -> T) async throws -> T {
    let waiting = FirstResult<T>()
    return try await withCheckedThrowingContinuation { continuation in
        waiting.set(continuation)
        Thread { waiting.resume(with: Result { try work() }) }.start()
        Task {
            try? await Task.sleep(for: bound)
            waiting.resume(with: .failure(BoundExceeded(bound: bound)))
        }
    }
}

/// A continuation resumed by whichever result comes first.
private final class FirstResult<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)
    func set(_ continuation: CheckedContinuation<T, any Error>) { self.continuation.withLock { $0 = continuation } }
    func resume(with result: Result<T, any Error>) { continuation.withLock { $0.take() }?.resume(with: result) }
}

/// A wait that ran past its bound.
public struct BoundExceeded: Error, CustomStringConvertible {
    public let bound: Duration
    public var description: String { "no answer within \(bound)" }
}

/// Runs blocking work on a thread of its own: not the cooperative pool
/// (the server shares it) and not Dispatch's global queue (as wide as the
/// cores, so a few blocked reads would starve everything queued behind).
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
