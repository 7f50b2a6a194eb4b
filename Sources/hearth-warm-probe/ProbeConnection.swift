#if canImport(Glibc)
import Glibc
#endif
import HearthFastCGI
import NIOCore

/// FCGI_LISTENSOCK_FILENO (FastCGI 1.0 §2.2): the listening socket a web
/// server hands its application as file descriptor 0.
enum FastCGIListenSocket {
    static let descriptor: Int32 = 0
}

/// Why a probe stopped before its end.
enum ProbeStop: Error {
    /// The host closed the connection (or broke its framing): nothing more
    /// can be written on it.
    case connectionClosed
    /// The host aborted the request (§5.4), or the state machine ended it
    /// for a protocol error (§5.5).
    case requestEnded
}

/// One accepted connection, with blocking socket I/O, driving the pure
/// `FastCGIChildConnection` state machine: records in, actions out.
final class ProbeConnection {
    private let fd: Int32
    private var machine = FastCGIChildConnection()
    private var decoder = FastCGIRecordDecoder()
    private var inbound = ByteBuffer()
    /// The request body (§5.3) received and not yet read by the probe.
    private(set) var stdin: [UInt8] = []
    private(set) var stdinEnded = false
    private var requestEnded = false

    init(fd: Int32) {
        self.fd = fd
    }

    /// Serves requests one after another until the host closes the
    /// connection, or a request without FCGI_KEEP_CONN ends (§5.1).
    func serve() {
        defer { close(fd) }
        do {
            while let started = try nextRequest() {
                try run(started)
            }
        } catch {
            // ProbeStop.connectionClosed: back to accept().
        }
    }

    private struct Started {
        var id: UInt16
        var params: FastCGIParams
    }

    /// Reads records until a request has its PARAMS (§5.2, §6.2).
    private func nextRequest() throws -> Started? {
        while true {
            guard let record = try nextRecord(deadline: nil) else { continue }
            if let started = try handle(machine.receive(record)) { return started }
        }
    }

    /// Runs the probe the request names; its END_REQUEST carries the
    /// probe's exit status as appStatus (§5.5).
    private func run(_ started: Started) throws {
        stdin = []
        stdinEnded = false
        requestEnded = false
        let request = ProbeRequest(id: started.id, params: started.params, connection: self)
        let status: UInt32
        do {
            status = try Probes.run(request)
        } catch ProbeStop.requestEnded {
            status = 1
        }
        // Writes nothing when the machine already ended the request (§5.5).
        let end = machine.endRequest(requestID: started.id, appStatus: status)
        try send(end.records)
        if end.closeConnection { throw ProbeStop.connectionClosed }
    }

    /// Does what an action says; returns a request once it may run.
    private func handle(_ action: FastCGIChildConnection.Action) throws -> Started? {
        switch action {
        case .none, .data, .dataEnded:
            return nil
        case .write(let write):
            try send(write.records)
            if write.closeConnection { throw ProbeStop.connectionClosed }
        case .requestStarted(let id, _, _, let params):
            return Started(id: id, params: params)
        case .stdin(_, let chunk):
            stdin += chunk.readableBytesView
        case .stdinEnded:
            stdinEnded = true
        case .abort:
            requestEnded = true
        case .requestFailed(_, _, let write):
            requestEnded = true
            try send(write.records)
            if write.closeConnection { throw ProbeStop.connectionClosed }
        case .closeConnection:
            throw ProbeStop.connectionClosed
        }
        return nil
    }
}

// MARK: - What a running probe asks of its connection

extension ProbeConnection {
    /// Waits for more of the request (body records, an abort) until
    /// `deadline`; false when it passed first. Throws once the request or
    /// the connection is over.
    @discardableResult
    func waitForInput(until deadline: ContinuousClock.Instant?) throws -> Bool {
        guard !requestEnded else { throw ProbeStop.requestEnded }
        guard let record = try nextRecord(deadline: deadline) else { return false }
        _ = try handle(machine.receive(record))
        if requestEnded { throw ProbeStop.requestEnded }
        return true
    }

    /// Takes up to `count` bytes of the body already received.
    func takeStdin(upTo count: Int) -> [UInt8] {
        let taken = Array(stdin.prefix(count))
        stdin.removeFirst(taken.count)
        return taken
    }

    func writeStdout(_ bytes: [UInt8], requestID: UInt16) throws {
        guard !requestEnded else { throw ProbeStop.requestEnded }
        try send(machine.stdout(ByteBuffer(bytes: bytes), requestID: requestID))
    }

    /// FCGI_STDERR (§5.3): a FastCGI application's stderr, which the host logs.
    func writeStderr(_ bytes: [UInt8], requestID: UInt16) throws {
        guard !requestEnded else { throw ProbeStop.requestEnded }
        try send(machine.stderr(ByteBuffer(bytes: bytes), requestID: requestID))
    }
}

// MARK: - Socket I/O

extension ProbeConnection {
    /// The next record, waiting for bytes until `deadline` (nil: for
    /// ever); nil when it passed first. One at a time: the records after a
    /// request's PARAMS stay buffered for the probe that then runs.
    private func nextRecord(deadline: ContinuousClock.Instant?) throws -> FastCGIRecord? {
        while true {
            do {
                if let record = try decoder.decode(&inbound) { return record }
            } catch {
                throw ProbeStop.connectionClosed  // §3.3: not a record stream we can follow
            }
            guard try readable(by: deadline) else { return nil }
            try receiveBytes()
        }
    }

    private func readable(by deadline: ContinuousClock.Instant?) throws -> Bool {
        guard let deadline else { return true }
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            let ready = poll(&poller, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { throw ProbeStop.connectionClosed }
        }
    }

    private func receiveBytes() throws {
        _ = try inbound.writeWithUnsafeMutableBytes(minimumWritableBytes: 65536) { bytes in
            while true {
                let count = read(fd, bytes.baseAddress, bytes.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw ProbeStop.connectionClosed }
                return count
            }
        }
    }

    private func send(_ records: [FastCGIRecord]) throws {
        guard !records.isEmpty else { return }
        var buffer = ByteBuffer()
        for record in records { record.write(into: &buffer) }
        try buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw ProbeStop.connectionClosed }
                offset += count
            }
        }
    }
}
